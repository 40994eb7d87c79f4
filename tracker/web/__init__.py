"""`tracker serve`: the record in a browser, one more client of the library.

Routes parse a request and render what the CLI's own query functions and
JSON shapers return (tracker.query, tracker.render); no SQL lives here.
Needs the `web` extra (Starlette, uvicorn, argon2-cffi, itsdangerous,
python-multipart); no other command imports this package.
"""
