"""The clock process: APScheduler 3 running the tick every minute and a daily roster sync.

The database is the schedule. The scheduler holds no reminder jobs and no persistent job store: the
two jobs below are rebuilt each time the clock starts, and the tick works out from the tables what is
due (meetings, action items, digest subscriptions), so nothing is lost or doubled by a restart.
Job functions are module-level so they can be imported, run by hand or tested on their own.

Exactly one clock should run; if two ever do (a deploy overlapping a restart), the tick's claims in
the notification log still send each notification once.
"""

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot import slack_profiles
from bot.deps import Deps
from bot.settings import Settings
from bot.slack_client import make_clock_client
from bot.tick import describe, tick
from storage.db import make_engine

logger = logging.getLogger(__name__)

TICK_JOB_ID = "itwg-tick"
SYNC_JOB_ID = "itwg-sync-members"
# A tick delayed by up to this much still runs; later ones are coalesced into the next minute.
TICK_MISFIRE_GRACE_SECONDS = 50
SYNC_MISFIRE_GRACE_SECONDS = 3600
SYNC_AT = {"hour": 3, "minute": 17}


def tick_job(deps: Deps, client: WebClient) -> None:
    """Send what is due now. Errors are logged; the next minute's tick tries again."""
    try:
        report = tick(deps, client, now=deps.now())
    except Exception:
        logger.exception("tick failed")
        return
    if report.lines:
        logger.info("%s", describe(report))


def sync_members_job(deps: Deps, client: WebClient) -> None:
    """Map the channel's members to organisations, so nudges reach people who never typed /itwg."""
    channel = deps.settings.itwg_channel
    if not channel:
        logger.warning("ITWG_CHANNEL is not set; skipping the member sync")
        return
    try:
        result = slack_profiles.sync_channel_members(deps, client, channel=channel)
    except Exception:
        logger.exception("member sync failed")
        return
    logger.info(
        "member sync: %d seen, %d new, %d unmapped",
        result.members_seen,
        result.registered,
        len(result.unmapped),
    )


def add_jobs(scheduler: BaseScheduler, deps: Deps, client: WebClient) -> None:
    scheduler.add_job(
        tick_job,
        IntervalTrigger(minutes=1, timezone=UTC),
        id=TICK_JOB_ID,
        name="tick",
        kwargs={"deps": deps, "client": client},
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_MISFIRE_GRACE_SECONDS,
        replace_existing=True,
        # Tick at once on start, so a restart catches up without waiting a minute.
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        sync_members_job,
        CronTrigger(**SYNC_AT, timezone=deps.settings.itwg_timezone),
        id=SYNC_JOB_ID,
        name="sync-members",
        kwargs={"deps": deps, "client": client},
        coalesce=True,
        max_instances=1,
        misfire_grace_time=SYNC_MISFIRE_GRACE_SECONDS,
        replace_existing=True,
    )


def build_scheduler(deps: Deps, client: WebClient, *, background: bool = False) -> BaseScheduler:
    scheduler: BaseScheduler = (
        BackgroundScheduler(timezone=UTC) if background else BlockingScheduler(timezone=UTC)
    )
    add_jobs(scheduler, deps, client)
    return scheduler


def clock_deps(settings: Settings) -> tuple[Deps, WebClient]:
    return Deps(settings=settings, engine=make_engine(settings.database_url)), make_clock_client(settings)


def run_clock(settings: Settings) -> None:
    """``itwg clock``: block, ticking every minute, until interrupted."""
    deps, client = clock_deps(settings)
    scheduler = build_scheduler(deps, client)
    logger.info(
        "clock started: tick every minute, member sync daily at %02d:%02d %s",
        SYNC_AT["hour"],
        SYNC_AT["minute"],
        settings.itwg_timezone,
    )
    try:
        scheduler.start()
    finally:
        deps.engine.dispose()


def start_background_clock(settings: Settings) -> BaseScheduler:
    """The same jobs in a thread next to the web or Socket Mode app (single-machine setups)."""
    deps, client = clock_deps(settings)
    scheduler = build_scheduler(deps, client, background=True)
    scheduler.start()
    logger.info("clock running in the background of this process")
    return scheduler
