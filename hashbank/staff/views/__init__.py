"""The staff console's pages, one module per area; hashbank/staff/urls.py maps them."""
