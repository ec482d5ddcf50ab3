"""A Django 5.2 app comparable to Straatwerk's contact save: auth, CSRF, a 19-field ModelForm, contact + audit row.

Used by bench/peer.py only. Settings are made in code (configure()), so the app needs no project folder.
"""
