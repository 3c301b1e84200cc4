# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools.domain_inversion import is_leaf, simplify
from trytond.transaction import (
    Transaction, check_access, inactive_records, without_check_access)

from .exceptions import WorkflowError
from .model import ClearsCachesMixin, check_write_access


def _merged(domain):
    """domain without the repetitions of its rule groups: the same
    condition once, and the conditions of an OR on one Many2One's record
    (field, 'where', ...) in one sub-query.  The same records: A or A is
    A, and a record is in one set or another when it is in their union.
    (Each group of a user may give the same rule, and a model with
    __access__ repeats its parent's rules: PostgreSQL plans every
    repetition, and compiles them with JIT.)"""
    if is_leaf(domain):
        if domain[1] == 'where':
            return [domain[0], 'where', _merged(domain[2])]
        return list(domain)
    if not isinstance(domain, (list, tuple)):
        return domain
    domain = simplify([_merged(d) for d in domain])
    if domain and domain[0] == 'OR':
        result, wheres = ['OR'], {}
        for branch in domain[1:]:
            if is_leaf(branch) and branch[1] == 'where':
                if branch[0] in wheres:
                    wheres[branch[0]][2].append(branch[2])
                    continue
                branch = wheres[branch[0]] = [
                    branch[0], 'where', ['OR', branch[2]]]
            result.append(branch)
        for merged in wheres.values():
            merged[2] = simplify(merged[2])
        domain = simplify(result)
    return domain


def _is_klachten(model_names):
    # ir.ui.view_search: coordinators manage their own and shared filters
    return any(n.startswith('klachten.') or n == 'ir.ui.view_search'
        for n in model_names)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        # Complaint rules depend on who the user is (assigned handler,
        # observer, "not about me"), not only on their groups.
        context = super()._get_context(model_name)
        if _is_klachten([model_name]):
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        # Without the user in the key, two handlers of the same group
        # would share one cached domain and see each other's complaints.
        key = super()._get_cache_key(model_names)
        if _is_klachten(model_names):
            key = (*key, Transaction().user)
        return key

    @classmethod
    def domain_get(cls, model_name, mode='read'):
        # With an as-of-date context (_datetime) core evaluates the rule
        # domains against the history table: a record made confidential
        # after someone could see it would be readable again, with all that
        # hangs on it. The past of a record is readable only by who may
        # read the record now: the rules are evaluated on current records.
        transaction = Transaction()
        if not transaction.context.get('_datetime'):
            domain = super().domain_get(model_name, mode=mode)
            if _is_klachten([model_name]):
                domain = _merged(domain)
            return domain
        with transaction.set_context(_datetime=None):
            domain = super().domain_get(model_name, mode=mode)
            if not domain:
                return domain
            Model = Pool().get(model_name)
            with transaction.set_user(0), without_check_access(), \
                    inactive_records():
                query = Model.search(domain, order=[], query=True)
        return [('id', 'in', query)]


class ChatChannel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    @check_access
    def check_access(cls, resource):
        # Core checks only the model access ("TODO check record rule"):
        # the conversation of a complaint one may not see stays hidden.
        super().check_access(resource)
        model, id_ = str(resource).split(',')
        if _is_klachten([model]) and Transaction().user:
            Pool().get(model).read([int(id_)], ['id'])


class ActionWizard(metaclass=PoolMeta):
    __name__ = 'ir.action.wizard'

    @classmethod
    def get_groups(cls, name, action_id=None):
        # Wizard.check_access asks for the wizard's groups on every create
        # and execute, after checking that the user may read the active
        # records (and the model's write access when the wizard has no
        # groups). Core checks no record rule in write mode there: one who
        # may read a complaint but not change it could run its workflow.
        context = Transaction().context
        model = context.get('active_model')
        if (model and _is_klachten([model])
                and not Transaction().readonly):
            ids = set(context.get('active_ids') or [])
            if context.get('active_id') is not None:
                ids.add(context['active_id'])
            check_write_access(
                Pool().get(model), list(ids), model_access=False)
        groups = super().get_groups(name, action_id=action_id)
        if action_id and not groups and not cls.search([
                    ('wiz_name', '=', name),
                    ('id', '=', action_id),
                    ]):
            # the client sends action_id: one that is no action of this
            # wizard finds no groups, and core would let anyone run it
            groups = super().get_groups(name)
        return groups


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('klachten.task|run_deadlines',
                    "Complaints: Reminders, Escalations and Feedback Term"),
                ('klachten.email|send_pending',
                    "Complaints: Send Pending E-mails"),
                ])


class ViewSearch(metaclass=PoolMeta):
    __name__ = 'ir.ui.view_search'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'share': {
                    'invisible': ~Bool(Eval('user')),
                    'depends': ['user'],
                    },
                })

    @classmethod
    @ModelView.button
    def share(cls, searches):
        "Make one's own saved filters shared with every user"
        user = Transaction().user
        for search in searches:
            if user and (not search.user or search.user.id != user):
                raise WorkflowError(gettext(
                        'klachten_base.msg_view_search_not_own',
                        search=search.rec_name))
        with without_check_access():
            cls.write(searches, {'user': None})


def _clear_templates():
    from .notification import clear_templates
    clear_templates()


class EmailTemplate(ClearsCachesMixin, metaclass=PoolMeta):
    "Written, it empties the cache of the e-mail templates' texts"
    __name__ = 'ir.email.template'
    _clears = (_clear_templates,)


class Translation(ClearsCachesMixin, metaclass=PoolMeta):
    "A template's translated subject or body may change"
    __name__ = 'ir.translation'
    _clears = (_clear_templates,)
