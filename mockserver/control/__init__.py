"""The control API: tests arrange data, read the journal, inject faults and limit rates.

``models`` holds every body, ``route_table`` the table of its routes (``ControlRoutes``), ``views``
the Flask views, ``rules`` the body rules they apply, ``patterns`` the path patterns; ``journal``,
``faults``, ``stubs`` and ``registry`` the state they read (Flask-free). ``middleware`` is the WSGI
layer (``ControlLayer``) that applies it to every API request: ``recording`` keeps each exchange in
the journal, ``faulting`` carries out faults and stubs. ``client`` is the same API as Python methods.
"""
