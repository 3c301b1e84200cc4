#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo's queue worker: trytond-worker for an SQLite database.

trytond-worker 8.0 waits for PostgreSQL's notifications on its database
connection and stops at once on SQLite ("Invalid file object": an SQLite
connection has no socket to wait on).  This worker asks the queue every
POLL seconds instead, and runs each task with trytond's own run_task, as
trytond-worker's processes do: in its own transaction, as the user who
queued it, retried when the database is busy.  One process, one task at a
time: enough for one demo database (the register import's batches, the
e-mails the server queues).

    .venv/bin/python scripts/demo_worker.py -c var/trytond.conf -d klachten

Same options as trytond-worker (-n is ignored: one process)."""
import datetime as dt
import logging
import time

import trytond.commandline as commandline
import trytond.config as config

POLL = 1  # seconds between two looks at an empty queue
logger = logging.getLogger('klachten.demo_worker')


def take_task(database_name, name=None):
    """The id of the oldest task due in the queue, marked as taken (as
    trytond-worker's pull does: a task that fails is not run again), or
    None"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database_name, 0):
        Queue = Pool(database_name).get('ir.queue')
        domain = [
            ('dequeued_at', '=', None),
            ['OR',
                ('scheduled_at', '=', None),
                ('scheduled_at', '<=', dt.datetime.now()),
                ],
            ]
        if name:
            domain.append(('name', '=', name))
        tasks = Queue.search(domain, order=[('id', 'ASC')], limit=1)
        if not tasks:
            return None
        Queue.write(tasks, {'dequeued_at': dt.datetime.now()})
        return tasks[0].id


def main():
    parser = commandline.get_parser_worker()
    options = parser.parse_args()
    config.update_etc(options.configfile)
    commandline.config_log(options)

    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task

    if not config.getboolean('queue', 'worker', default=False):
        parser.error("[queue] worker is not set: the server runs the "
            "queued tasks itself")
    Pool.start()
    for database_name in options.database_names:
        with Transaction().start(database_name, 0, readonly=True):
            Pool(database_name).init()
    logger.info("polling the queue of %s", ', '.join(options.database_names))
    while True:
        busy = False
        for database_name in options.database_names:
            try:
                task_id = take_task(database_name, options.name)
            except backend.DatabaseOperationalError:
                # the server or the cron writes: look again
                continue
            if task_id:
                run_task(database_name, task_id)
                busy = True
        if not busy:
            time.sleep(POLL)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass
