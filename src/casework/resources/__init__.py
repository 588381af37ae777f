"""Community resources: the resource directory loaded from Open Referral HSDS 3.0 (F5).

A context of its own rather than part of `coordination`: the directory is reference data
about community organisations and their services, not a consumer's record. It has its
own lifecycle (whole data sets imported from an outside publisher, re-imported when the
publisher updates them), its own validation (the HSDS 3.0 schema), no consent rule and no
audit of reads (no consumer data), and its own performance shape (search over tens of
thousands of services). Putting it in `coordination` would tie that catalogue to the
`cases : coordination` pair, which exists for the consent rule over consumer records.
It sits just above `cases : coordination` in the layers contract, so that referrals
from a case (the next slice) may name a case and a work item.
"""
