"""The PostgreSQL database a benchmark owns: its address on the server given, dropped and
created afresh at the start of each run. (Not named after a standard module: bench/ comes
first on sys.path when a script here runs.)"""

from urllib.parse import urlsplit, urlunsplit


def server_url(url: str, database: str) -> str:
    """`url` with its database name replaced by `database`."""
    return urlunsplit(urlsplit(url)._replace(path="/" + database))


def recreate_database(url: str, database: str) -> None:
    """Drop `database` on the server of `url` if it exists, and create it empty."""
    import psycopg

    with psycopg.connect(server_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database}")
        connection.execute(f"CREATE DATABASE {database}")
