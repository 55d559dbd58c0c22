"""Documents an official can file: DOCX, PDF, XLSX, CSV and a Frictionless Data Package."""
