"""Small widgets the pages are built from; each sets its own objectName and accessible name."""
