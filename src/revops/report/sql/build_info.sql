select
    built_at,
    input_fingerprint,
    revops_version
from meta.build_info
