"""DICOMweb (QIDO-RS / WADO-RS) over the de-identified studies of a case, from our storage or Orthanc."""
