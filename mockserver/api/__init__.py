"""The Genesys routes (moto's ``responses.py``): each view parses, calls the backend and answers.

``conversations``, ``callbacks`` and ``campaigns`` are Flask blueprints; ``fast_reads`` answers the
busiest read in front of Flask.
"""
