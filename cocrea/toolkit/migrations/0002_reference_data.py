"""Load the HAGA reference data so every fresh database has the toolkit.

The loader is idempotent; later changes to the data ship as new migrations that
call it again."""

from django.db import migrations


def load(apps, schema_editor):
    from cocrea.toolkit.reference import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("toolkit", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
