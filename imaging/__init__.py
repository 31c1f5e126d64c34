"""Medical imaging library: DICOM I/O, de-identification, volumes, models, heatmaps, CT quantitation."""
