# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    # (group, action) XML ids: the members of the group whose own "Actions"
    # (run at login) are empty get the action, once, in this order.
    _login_actions_of_groups = [
        ('group_coordinator', 'act_task_mine'),
        ('group_handler', 'act_task_mine'),
        ]

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        preferences = super()._get_preferences(
            user, context_only=context_only)
        # The client runs these actions at login: a coordinator or handler
        # starts on the task inbox unless they chose actions of their own.
        if 'actions' in preferences and not user.actions:
            for action_id in cls._group_login_actions(user):
                if action_id not in preferences['actions']:
                    preferences['actions'].append(action_id)
        return preferences

    @classmethod
    def _group_login_actions(cls, user):
        "The ir.action ids that user's groups run at login"
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        group_ids = {g.id for g in user.groups}
        actions = []
        for group, action in cls._login_actions_of_groups:
            if ModelData.get_id('klachten_base', group) in group_ids:
                actions.append(Action.get_action_id(
                        ModelData.get_id('klachten_base', action)))
        return list(dict.fromkeys(actions))
