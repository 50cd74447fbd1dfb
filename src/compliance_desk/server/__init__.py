"""The sync service (``compliance-desk server``): the only holder of the PostgreSQL credentials.

Stateless: every request reads and writes PostgreSQL only, so any number of copies can serve
one database behind a load balancer.
"""
