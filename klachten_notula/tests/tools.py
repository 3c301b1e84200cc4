# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the klachten_notula tests: a complaint in conclusion, a draft
decision on it, the server-side calls of the connectors."""
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, set_user, xml_id)
from proteus import Model
from proteus import config as pconfig
from trytond.pool import Pool
from trytond.transaction import Transaction


def in_conclusion(ns, complainant=None, **values):
    "A complaint that handler1 investigated, now in conclusion"
    set_user('coordinator')
    complaint = create_complaint(
        complainant or create_complainant(), **values)
    complaint = admit(complaint, ns, user='handler1')
    set_user('handler1')
    complaint = Model.get('klachten.complaint')(complaint.id)
    complaint.report = "The e-mail of 3 March was not answered."
    complaint.outcome = 'founded'
    complaint.solution = "We answer every e-mail within ten days."
    complaint.save()
    complaint.click('finalise_report')
    set_user('coordinator')
    return Model.get('klachten.complaint')(complaint.id)


def create_proposal(complaint, **values):
    "A draft decision on complaint, made as the current user"
    Proposal = Model.get('klachten.notula.proposal')
    Body = Model.get('klachten.notula.body')
    proposal = Proposal()
    proposal.complaint = Model.get('klachten.complaint')(complaint.id)
    proposal.body = Body(xml_id('body_college', 'klachten_notula'))
    proposal.title = values.pop('title', f"Complaint {complaint.number}")
    proposal.motivation = values.pop(
        'motivation', "The e-mail was not answered.")
    proposal.decision_proposal = values.pop(
        'decision_proposal', "The complaint is founded.")
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


def apply_status(proposal, status, **news):
    """Apply the news as the connectors do (as root, committed); return
    what Proposal.apply_status returned"""
    database = pconfig.get_config().database_name
    with Transaction().start(database, 0) as transaction:
        Proposal = Pool(database).get('klachten.notula.proposal')
        changed = Proposal.apply_status(
            Proposal(proposal.id), status, **news)
        transaction.commit()
    return changed
