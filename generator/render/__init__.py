"""Render: print the IR through the Jinja2 templates and lay the code out as black would."""
