"""Logging in with the municipality's own account: OpenID Connect, authorization code + PKCE, through Authlib.

Authlib does the protocol: discovery, state, nonce, PKCE, the code exchange, and the ID token's signature (the
provider's JWKS), iss, aud, exp, iat and nonce. This module decides who gets in: the role from a configured claim,
the account on issuer + sub, the app's own code step unless the provider did MFA, and no session past the token.
"""
import time
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError

from ..core import audit
from ..core.access import public, safe_next
from ..core.accounts import SECOND_FACTOR_REQUIRED
from .login import begin_second_factor, complete_login
from .oidc_accounts import account_for, linked_user, roles_from, used_mfa

bp = Blueprint("oidc", __name__)
MESSAGES = {  # Why a login was refused, in the words the user reads (the audit row says which).
    "no role": "Je gemeente-account heeft geen rol in Straatwerk. Vraag je leidinggevende of de beheerder van "
               "Straatwerk om je aan de juiste groep toe te voegen.",
    "several roles": "Je gemeente-account heeft meer dan één rol in Straatwerk. Vraag de beheerder om je in "
                     "één groep te zetten.",
    "inactive": "Je account in Straatwerk is uitgeschakeld. Vraag de beheerder van Straatwerk.",
    "unsafe": "Het inloggen kon niet veilig worden afgerond. Probeer het opnieuw.",
    "refused": "De gemeente heeft het inloggen niet toegestaan of afgebroken. Probeer het opnieuw.",
    "unreachable": "De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het later opnieuw.",
}


def provider():
    """The registered Authlib client for the municipality's provider; 404 when OpenID Connect is not configured."""
    if not current_app.config["OIDC_ISSUER"]:
        abort(404)
    return current_app.extensions["outreach.oidc"].municipality


def refuse(reason, detail, user_id=None, status=403):
    """A Dutch page saying why, and an audit row saying what exactly (never a token or a claim's content)."""
    audit.record("login failed", "user", user_id, result=f"oidc {detail}"[:120])
    return render_template("auth/refused.html", message=MESSAGES[reason]), status


def expected():
    """iss and aud as configured, both required: Authlib by itself checks aud only through azp, and iss only
    against the discovery document (a token with aud=[another app] and azp=this app would pass)."""
    issuer, client_id = current_app.config["OIDC_ISSUER"], current_app.config["OIDC_CLIENT_ID"]
    return {"iss": {"essential": True, "values": list({issuer, issuer.rstrip("/")})},
            "aud": {"essential": True, "values": [client_id]}}


@bp.route("/login/oidc")
@public
def start():
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge (Authlib keeps them)."""
    client = provider()
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    session.pop("pending", None)
    session["oidc_next"] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(url_for("oidc.callback", _external=True))
    except (requests.RequestException, ValueError, KeyError) as err:  # Discovery failed: no provider, bad reply.
        return refuse("unreachable", f"discovery {type(err).__name__}", status=503)


@bp.route("/login/oidc/callback")
@public
def callback():
    """Take the code back, let Authlib exchange and check it, then map the claims to an account and a role."""
    client = provider()
    try:
        token = client.authorize_access_token(leeway=current_app.config["OIDC_LEEWAY"], claims_options=expected())
    except MismatchingStateError:
        return refuse("unsafe", "state")
    except (requests.RequestException, ValueError) as err:
        return refuse("unreachable", f"token {type(err).__name__}", status=503)
    except AuthlibBaseError as err:  # The provider said no (error=access_denied), or the code was refused.
        return refuse("refused", f"error {err.error}")
    except JoseError as err:  # Signature, iss, aud, exp, iat or nonce of the ID token.
        return refuse("unsafe", f"id token {err.error}")
    claims = token.get("userinfo")
    if not claims:  # Authlib checks an ID token only when there is one: without it, nobody is known.
        return refuse("unsafe", "no id token")
    roles = roles_from(claims)
    if len(roles) != 1:  # Audited on the account when it is known (its group was taken away).
        known = linked_user(claims["iss"], claims["sub"])
        reason = "several roles" if roles else "no role"
        return refuse(reason, reason, known["id"] if known else None)
    row = account_for(claims, roles.pop())
    if not row["active"]:
        return refuse("inactive", "inactive", row["id"])
    mfa = used_mfa(claims)
    # Never past the token's own lifetime: the session ends when the ID token (or access token) does.
    until = min(float(claims["exp"]), float(token.get("expires_at") or claims["exp"]))
    extra = {"oidc": True, "provider_mfa": mfa, "until": until}
    target = session.pop("oidc_next", None)
    if not mfa and row["role"] in SECOND_FACTOR_REQUIRED and row["totp_enrolled_at"]:
        return begin_second_factor(row, target, step="login oidc ok", extra=extra)
    return complete_login(row, target, "oidc mfa" if mfa else "oidc", login_at=time.time(), extra=extra)


@bp.route("/login/oidc/logout")
@public
def end_session():
    """After the app's own logout: end the session at the provider too when it offers that, and come back."""
    back = url_for("auth.login", _external=True)
    try:
        endpoint = provider().load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        endpoint = None
    if not endpoint:
        return redirect(back)
    # No id_token_hint: the token is not kept in the (client-side) session cookie; client_id names the app.
    query = urlencode({"client_id": current_app.config["OIDC_CLIENT_ID"], "post_logout_redirect_uri": back})
    return redirect(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}")


def init_app(app):
    """Register the blueprint and, when configured, the provider (its metadata is read on first use)."""
    app.register_blueprint(bp)
    oauth = OAuth(app)
    app.extensions["outreach.oidc"] = oauth
    if app.config["OIDC_ISSUER"]:
        oauth.register(
            "municipality", client_id=app.config["OIDC_CLIENT_ID"], client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256",
                           "default_timeout": 10})
