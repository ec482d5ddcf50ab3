"""Dutch error pages: the user always learns what happened and what to do next."""
from flask import render_template
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Dat ging niet goed", "Het verzoek was niet compleet. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang", "Deze pagina hoort niet bij jouw rol. Vraag de beheerder als je denkt dat dit niet klopt."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres of ga terug naar de start."),
    405: ("Dat kan hier niet", "Deze actie kan niet via deze weg. Ga terug naar de start."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Er is niets half opgeslagen; probeer het zo nog eens."),
}


def render_error(code, message=None):
    """Render the shared error page for an HTTP status."""
    title, text = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def init_app(app):
    """Register a handler per status; a lost CSRF token gets its own explanation."""
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: render_error(code))
    app.register_error_handler(CSRFError, lambda e: render_error(
        400, "Het formulier was verlopen of onvolledig. Laad de pagina opnieuw en probeer het nog eens."))
