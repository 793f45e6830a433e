"""The command table by topic (one module per ``cli/commands`` module); ``cli/table.py`` joins them."""
