"""The core every domain package may use: errors, audit, URLs, forms, access, formatting and PDFs.

The core imports no domain package (accounts, cohorts, learning, ...); tests/test_architecture.py checks this.
"""
