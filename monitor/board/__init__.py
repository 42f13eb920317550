"""The bid board: which local government is bidding for which program, and at what stage.

Pure: `gazetteer` (Korean local governments and how the press writes them), `programs` (what
is competed for), `stages` (the predicate cues), `claims` (article text -> BidClaim records),
`fold` (claims -> one board row per bidder and program). Storage and the surfaces are at the edges.
"""
