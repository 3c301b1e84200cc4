# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The structure every page needs to be accessible (WCAG 2.1 AA): a
language, one h1 and no skipped heading level, unique ids, a label for
every field, error links that lead to a field, no script, nothing loaded
from elsewhere.  (The browser test with axe-core comes later.)"""
import unittest
from html.parser import HTMLParser

from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import (
    HTML, VALID, Form, PortalTestMixin, configure_portal,
    set_up_portal_database, text)

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
    'meta', 'source', 'track', 'wbr'}


class Page(HTMLParser):

    def __init__(self, body):
        super().__init__()
        self.tags = []
        self.stack = []
        self.unclosed = []
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.unclosed.append((tag, list(self.stack)))

    def all(self, tag):
        return [a for t, a in self.tags if t == tag]


class PagesTestCase(PortalTestMixin, unittest.TestCase):
    "Every portal page is built to be accessible"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        configure_portal(cls)

    def check(self, response, lang='nl'):
        body = text(response)
        page = Page(body)
        self.assertEqual(page.unclosed, [])
        self.assertEqual(page.stack, [])
        html, = page.all('html')
        self.assertEqual(html.get('lang'), lang)
        self.assertEqual(len(page.all('title')), 1)
        self.assertEqual(len(page.all('main')), 1)
        self.assertEqual(len(page.all('h1')), 1)
        levels = [int(t[1]) for t, _ in page.tags
            if len(t) == 2 and t[0] == 'h' and t[1].isdigit()]
        self.assertEqual(levels[0], 1)
        for before, after in zip(levels, levels[1:]):
            self.assertLessEqual(after, before + 1, levels)
        ids = [a['id'] for _, a in page.tags if 'id' in a]
        self.assertEqual(len(ids), len(set(ids)), ids)
        labelled = {a.get('for') for a in page.all('label')}
        self.assertLessEqual(labelled - {None}, set(ids))
        for tag in ['input', 'select', 'textarea']:
            for attrs in page.all(tag):
                if attrs.get('type') in {'hidden', 'submit'}:
                    continue
                self.assertIn(attrs.get('id'), labelled, attrs)
        for attrs in page.tags:
            for name in attrs[1].get('aria-describedby', '').split():
                self.assertIn(name, ids)
        for attrs in page.all('a'):
            href = attrs.get('href', '')
            if href.startswith('#'):
                self.assertIn(href[1:], ids)
            self.assertFalse(href.startswith(('http:', 'https:', '//')))
        self.assertEqual(page.all('script'), [])
        self.assertEqual(page.all('style'), [])
        self.assertFalse([a for _, a in page.tags
                if 'style' in a or any(k.startswith('on') for k in a)])
        for attrs in page.all('link'):
            self.assertTrue(attrs['href'].startswith('/'))
        for attrs in page.all('form'):
            self.assertEqual(attrs.get('method'), 'post')
        return body

    def test_intake_pages(self):
        "The form (blank, with errors), the review and the receipt"
        for lang in ['nl', 'fr', 'en']:
            response, form = self.portal.form(lang)
            self.check(response, lang)
        response = self.portal.next(form, [('x.pdf', HTML)])
        self.assertEqual(response.status_code, 400)
        self.check(response, 'en')
        response = self.portal.next(form, [('x.txt', b'hallo')],
            **VALID)
        self.check(response, 'en')
        response = self.portal.post(
            'complaint', Form(text(response)).data(action='submit'))
        receipt = self.portal.client.get(response.headers['Location'])
        self.check(receipt, 'en')

    def test_choose_pages(self):
        "What do you want to do, with no choice made, and where to go"
        for lang in ['nl', 'fr', 'en']:
            self.check(self.portal.get(f'choose?lang={lang}'), lang)
            self.check(self.portal.get(f'choose/suggestion?lang={lang}'),
                lang)
        data = Form(text(self.portal.get('choose?lang=en'))).data()
        response = self.portal.post('choose', data)
        self.assertEqual(response.status_code, 400)
        self.check(response, 'en')

    def test_link_pages(self):
        "The information, feedback and status pages, thanks and errors"
        response = self.portal.file()
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            complaint, = Complaint.search(
                [('portal_submission_key', '=', key)])
            Complaint.request_information([complaint], "Welke dag?")
            Complaint.declare_inadmissible([complaint],
                pool.get('klachten.inadmissibility_ground').search(
                    [], limit=1), "Een melding.", inform=True,
                request_feedback=True)
            paths = {}
            for email in complaint.emails:
                for kind in ['information', 'feedback', 'status']:
                    marker = f'/portal/{kind}/'
                    if marker in (email.body or ''):
                        token = email.body.split(marker)[1].split()[0]
                        paths[kind] = f'{kind}/{token}'
            transaction.commit()
        self.assertEqual(set(paths), {'information', 'feedback', 'status'})
        for path in paths.values():
            with self.subTest(path=path):
                self.check(self.portal.get(path))
        response = self.portal.post(paths['feedback'], Form(text(
                    self.portal.get(paths['feedback']))).data())
        self.assertEqual(response.status_code, 400)
        self.check(response)
        for path in ['thanks/information', 'thanks/agree',
                'information/unknown', 'complaint/receipt/unknown']:
            with self.subTest(path=path):
                self.check(self.portal.get(path))
