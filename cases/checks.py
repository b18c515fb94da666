"""System checks: fail clearly when the machine cannot produce proper Chinese PDFs."""
