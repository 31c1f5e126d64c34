// The patient chat's own script (served from /chat/public). Chainlit's file picker refuses a
// file of another kind with a technical message ("File type must be application/dicom,...");
// replace it with plain words about the kinds we accept.
(function () {
  var PLAIN = "This kind of file cannot be used. Please upload DICOM files (or a .zip of the study " +
    "as the hospital gave it), PDF reports, or PNG/JPEG pictures.";
  function fix(node) {
    if (node.nodeType === Node.TEXT_NODE && node.nodeValue.indexOf("File type must be") !== -1) {
      node.nodeValue = PLAIN;
    } else if (node.childNodes) {
      node.childNodes.forEach(fix);
    }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { c.addedNodes.forEach(fix); if (c.type === "characterData") fix(c.target); });
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
