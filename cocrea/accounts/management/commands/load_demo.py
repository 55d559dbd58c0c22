from typing import Any

from django.core.management.base import BaseCommand

from cocrea.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo entity, accounts and process (idempotent) and print the credentials."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        state = "created" if result.created else "already present, left as is"
        self.stdout.write(f"Demo data {state}: {result.entity.name} · «{result.process.title}»")
        self.stdout.write("Demo accounts (sign in at /cuenta/ingresar/):")
        self.stdout.write(f"  facilitator  {result.facilitator.email}  password: {DEMO_PASSWORD}")
        self.stdout.write(f"  official     {result.official.email}  password: {DEMO_PASSWORD}")
