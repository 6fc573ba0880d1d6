"""The control API: tests arrange data, read the journal, inject faults and limit rates.

``models`` holds every body, ``admin_routes`` the table of its routes, ``routes`` the views,
``patterns`` the path patterns; ``journal`` and ``faults`` the state they read (Flask-free);
``middleware`` applies it to every API request; ``client`` is the same API as Python methods.
"""
