"""The admin page's static assets and the admin API's OpenAPI document (served by functions/admin_page.py)."""
