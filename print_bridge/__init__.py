"""Sambung print bridge: the store-PC agent that turns cloud print jobs (PDFs) into ESC/POS, TSPL
or ZPL bytes for thermal printers.

Standalone on purpose: it runs on Windows, Linux and macOS store PCs with only pypdfium2 and
Pillow installed, talks to the cloud over plain HTTPS (stdlib urllib) and never imports the
server code or any AWS library.
"""

__version__ = "0.1.0"
