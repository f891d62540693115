"""Where an admin's browser goes to sign in.

In Azure, App Service Authentication runs with AllowAnonymous (infra/modules/auth.bicep) so the Graph webhooks stay
reachable; it validates sessions and adds ``X-MS-CLIENT-PRINCIPAL`` (and strips any copy a client sends). The admin
page therefore sends a browser that has no session to the platform's login endpoint, which signs it in with Entra ID
and brings it back (``/.auth/login/<provider>?post_login_redirect_uri=<path>``: App Service docs, "Customize sign-in
and sign-out", https://learn.microsoft.com/en-us/azure/app-service/configure-authentication-customize-sign-in-out).
API calls are not redirected: they get 401 from ``access.authorise`` with this link for the page to offer (a session
that expired while the page was open: its fetch calls arrive without a principal).
"""

from __future__ import annotations

from urllib.parse import quote

LOGIN_PATH = "/.auth/login/aad"


def sign_in_location(principal_header: str | None, require_principal: bool, page_path: str) -> str | None:
    """The Location to redirect the page request to, or None when the page may be served."""
    if principal_header or not require_principal:
        return None
    return f"{LOGIN_PATH}?post_login_redirect_uri={quote(page_path or '/', safe='/')}"


def admin_page_path(api_path: str) -> str:
    """The admin page's path for an admin API call's path: ``<prefix>/manage/<route>`` → ``<prefix>/manage/ui``,
    whatever the host's route prefix; where a signed-out API caller comes back to after signing in again."""
    head, found, _ = api_path.partition("/manage/")
    return f"{head}/manage/ui" if found else "/"
