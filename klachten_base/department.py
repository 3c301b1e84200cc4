# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import weakref

from sql import Column, Literal, Null, Union
from sql.operators import Or

from trytond import backend
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


class Role(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.role'
    __string__ = "Role"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    department_access = fields.Boolean(
        "Sees the Department's Complaints",
        help="Members with this role see every complaint about or handled "
        "by their department (for example the department head).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'klachten_base.msg_role_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class Department(DeactivableMixin, tree(), ModelSQL, ModelView):
    __name__ = 'klachten.department'
    __string__ = "Department"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    parent = fields.Many2One('klachten.department', "Parent")
    children = fields.One2Many('klachten.department', 'parent', "Children")
    email = fields.Char("E-mail")
    members = fields.One2Many(
        'klachten.department.member', 'department', "Members")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    def members_with_role(self, role):
        "Return the active users who hold role in this department"
        return [m.user for m in self.members
            if m.role == role and m.user.active]


class DepartmentMember(ModelSQL, ModelView):
    __name__ = 'klachten.department.member'
    __string__ = "Department Member"

    department = fields.Many2One(
        'klachten.department', "Department", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    role = fields.Many2One(
        'klachten.role', "Role", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('department')
        cls._sql_constraints += [
            ('member_unique', Unique(t, t.department, t.user, t.role),
                'klachten_base.msg_member_unique'),
            ]

    @classmethod
    def default_role(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('klachten_base', 'role_handler')
        except KeyError:
            return None

    def get_rec_name(self, name):
        return f'{self.user.rec_name} ({self.role.rec_name})'


def assignment_pairs(Model, key, user, department, role):
    """SQL query of (key, user) for the records of Model assigned through
    the columns user, department and role: the user when set, else every
    member with the role in the department"""
    Member = Pool().get('klachten.department.member')
    table, table2 = Model.__table__(), Model.__table__()
    member = Member.__table__()
    by_user = table.select(
        table.id.as_(key), getattr(table, user).as_('user'),
        where=getattr(table, user) != Null)
    by_role = table2.join(member, condition=(
            (member.department == getattr(table2, department))
            & (member.role == getattr(table2, role)))
        ).select(table2.id.as_(key), member.user.as_('user'),
            where=getattr(table2, user) == Null)
    return Union(by_user, by_role, all_=True)


# (transaction counter, user) -> memberships, per transaction: a write
# (a membership changed) moves the counter
_memberships = weakref.WeakKeyDictionary()


def memberships(user_id):
    """The (department, role, department access) of each membership of
    user_id and the user's groups, read once a transaction until the
    next write"""
    transaction = Transaction()
    key = (transaction.counter, user_id)
    cache = _memberships.setdefault(transaction, {})
    if key not in cache:
        pool = Pool()
        Member = pool.get('klachten.department.member')
        Role = pool.get('klachten.role')
        UserGroup = pool.get('res.user-res.group')
        member, role = Member.__table__(), Role.__table__()
        user_group = UserGroup.__table__()
        cursor = transaction.connection.cursor()
        # one query: (department, role, access, 0) and (0, 0, False, group)
        cursor.execute(*Union(
                member.join(role, condition=member.role == role.id
                    ).select(member.department, member.role,
                    role.department_access, Literal(0).as_('group_'),
                    where=member.user == user_id),
                user_group.select(Literal(0), Literal(0),
                    Literal(False), user_group.group,
                    where=user_group.user == user_id),
                all_=True))
        members, groups = [], set()
        for department, role_, access, group in cursor:
            if not group:
                members.append((department, role_, bool(access)))
            else:
                groups.add(group)
        groups = sorted(groups)
        cache.clear()
        cache[key] = (members, groups)
    return cache[key]


def assigned_to(table, user_id, user, department, role):
    """SQL condition on the rows of table assigned to user_id through its
    columns user, department and role, as assignment_pairs: the user by
    name, or no user and a department and role the user is a member with.
    A condition on the row's own (indexed) columns: the database tests it
    on the rows it reads instead of building the set of every
    assignment."""
    members, _ = memberships(user_id)
    user_column = Column(table, user)
    condition = user_column == user_id
    keys = sorted({(d, r) for d, r, _ in members})
    if keys:
        condition |= (user_column == Null) & Or([
                (Column(table, department) == d) & (Column(table, role) == r)
                for d, r in keys])
    return condition


def users_by_key(query, key, ids):
    """Map each of ids to the users of the (key, user) pairs of query, each
    user once, in order"""
    cursor = Transaction().connection.cursor()
    column = getattr(query, key)
    result = {i: [] for i in ids}
    for sub_ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
        cursor.execute(*query.select(column, query.user,
                where=fields.SQL_OPERATORS['in'](column, list(sub_ids))))
        for id_, user_id in cursor:
            if user_id not in result[id_]:
                result[id_].append(user_id)
    return result
