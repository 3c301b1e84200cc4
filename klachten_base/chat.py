# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The conversation of a complaint: who may add followers, and how its
messages leave.

Only the people handling a complaint (its coordinators and assigned
handlers) add followers; the staff member it is about is never one; and
a public message goes to outside followers through the outbox, not
directly to the mail server."""
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.tools import firstline
from trytond.transaction import Transaction, without_check_access


def _complaint(resource):
    "The complaint of a chat resource, or None"
    model, _, id_ = str(resource).partition(',')
    if model != 'klachten.complaint':
        return None
    try:
        id_ = int(id_)
    except ValueError:
        return None
    return Pool().get(model)(id_)


def _may_add_followers(complaint):
    "Whether the current user handles complaint"
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.user:
        return True
    user = User(transaction.user)
    coordinators = complaint._coordinators()
    if coordinators in user.groups:
        return True
    with without_check_access():
        return user in type(complaint)(complaint.id).handlers


class ChatChannel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def _check_add_follower(cls, resource, user=None):
        complaint = _complaint(resource)
        if complaint is None:
            return
        if not _may_add_followers(complaint):
            raise AccessError(gettext(
                    'klachten_base.msg_chat_follower_not_handler',
                    complaint=complaint.rec_name))
        with without_check_access():
            concerned = type(complaint)(complaint.id).concerned_user
        if user is not None and concerned and user == concerned:
            raise AccessError(gettext(
                    'klachten_base.msg_chat_follower_concerned',
                    complaint=complaint.rec_name))

    @classmethod
    def subscribe(cls, resource, username=None):
        pool = Pool()
        User = pool.get('res.user')
        if username is not None and _complaint(resource) is not None:
            cls.check_access(resource)
            with without_check_access():
                users = User.search([('login', '=', username)], limit=1)
            if users and users[0].id != Transaction().user:
                cls._check_add_follower(resource, users[0])
        elif _complaint(resource) is not None:
            cls.check_access(resource)
            cls._check_add_follower(
                resource, User(Transaction().user))
        return super().subscribe(resource, username=username)

    @classmethod
    def subscribe_email(cls, resource, email):
        if _complaint(resource) is not None:
            cls.check_access(resource)
            cls._check_add_follower(resource)
            complaint = _complaint(resource)
            with without_check_access():
                excluded = type(complaint)(complaint.id).concerned_addresses()
            if (email or '').strip().lower() in excluded:
                raise AccessError(gettext(
                        'klachten_base.msg_chat_follower_concerned',
                        complaint=complaint.rec_name))
        return super().subscribe_email(resource, email)

    @classmethod
    def unsubscribe_email(cls, resource, email):
        if _complaint(resource) is not None:
            cls.check_access(resource)
            cls._check_add_follower(resource)
        return super().unsubscribe_email(resource, email)

    @classmethod
    def dispatch_message(cls, message, is_sender):
        complaint = _complaint(message.channel.resource)
        if complaint is None:
            return super().dispatch_message(message, is_sender)
        # the bus only: the followers are told below
        with Transaction().set_context(_notify=False):
            super().dispatch_message(message, is_sender)
        if not Transaction().context.get('_notify', True):
            return
        with without_check_access():
            complaint = type(complaint)(complaint.id)
            concerned = complaint.concerned_user
            to_email = []
            for follower in message.channel.followers:
                if follower.user is not None:
                    if (not is_sender(follower.user)
                            and follower.user != concerned):
                        follower.notify(message)
                elif (message.audience != 'internal'
                        and follower.email
                        and not is_sender(follower.email)):
                    to_email.append(follower.email)
        if to_email:
            cls._queue_message(complaint, message, to_email)

    @classmethod
    def _queue_message(cls, complaint, message, to_email):
        """Put a public message in the outbox, one e-mail per outside
        follower (they do not see each other's address)"""
        pool = Pool()
        Email = pool.get('klachten.email')
        with Transaction().set_context(language=message.channel.language):
            subject = gettext(
                'ir.msg_chat_subject',
                author=message.author,
                channel=message.channel.rec_name)
        Email.queue([{
                    'kind': None,
                    'complaint': complaint.id,
                    'resource': str(message),
                    'to': address,
                    'subject': firstline(subject),
                    'body': cls._email_body(message),
                    'language': message.channel.language,
                    } for address in to_email])
