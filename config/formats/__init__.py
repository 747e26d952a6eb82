"""The project's date formats per language (FORMAT_MODULE_PATH); whatever a module here leaves out comes
from Django's own formats of that language. German keeps Django's: "7. Oktober 2026"."""
