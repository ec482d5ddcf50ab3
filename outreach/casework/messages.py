"""The short message thread on a handoff: the CJG writes to the worker, the worker answers, both audited.

Stored as handoff_events rows, kind 'feedback' (the CJG to the worker, as before) and kind 'reply' (the worker to
the CJG). Why there and not in a table of their own: handoff_events.text is already sealed (core/crypto ENCRYPTED),
erased by retention and by an erasure together with the handoff's text (admin/retention.py), exported on a
subject-access request (admin/subject.py), re-sealed by rotate-key and described in the register; a new table
would need each of those again, and a missed one would leak.
"""
import re

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import GuardedForm

# The handoff's own identifying details may be named in a message; the CJG already has them.
HELD = ("full_name", "phone", "address")
# While the handoff runs, the worker may write; the CJG from the moment it opened it (see cjg.ALLOWED).
WORKER_MAY_WRITE = ("sent", "received", "accepted")


class ThreadForm(GuardedForm):
    """A message in the thread: the personal-data guard, less what the handoff itself holds."""
    guarded = ("text",)
    held = ()

    def hold(self, handoff):
        """Let the message name what the handoff already holds (the youth's name, phone, address)."""
        self.held = [handoff[column] for column in HELD if handoff.get(column)]
        return self

    def guarded_text(self, name):
        """The text with the handoff's own details left out: only other names and numbers raise the warning."""
        text = getattr(self, name).data or ""
        for known in sorted(self.held, key=len, reverse=True):
            text = re.sub(re.escape(known), " ", text, flags=re.I)
        return text


class FeedbackForm(ThreadForm):
    """The CJG to the worker: short, nothing of the CJG's own case file."""
    text = TextAreaField("Bericht aan de straathoekwerker", validators=[
        DataRequired("Schrijf een korte terugkoppeling."), Length(max=500, message="Maximaal 500 tekens.")])


class ReplyForm(ThreadForm):
    """The worker to the CJG, on the handoff she sent or her team's."""
    text = TextAreaField("Bericht aan het CJG", validators=[
        DataRequired("Schrijf een bericht."), Length(max=500, message="Maximaal 500 tekens.")])


def thread(events):
    """The messages among a handoff's events, oldest first."""
    return [e for e in events if e["kind"] in ("feedback", "reply")]
