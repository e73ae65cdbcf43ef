"""Demo data: see demo.py."""
