"""What the audit schema's readers share."""

# A quarantine reason without the value it quotes, so one rule on different values counts once.
REASON_RULE = "regexp_replace(reason, ' \\(got .*\\)$', '')"
