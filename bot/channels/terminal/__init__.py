"""The coach in a terminal: lines in, plain text out (``outreach-coach chat``)."""
