"""Anonymous flags carry the keyed, rotating hash of the client's address (never the address): one
report per contribution and client, also without cookies; moderators can confirm an automatic hide."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0003_contribution_geom_public"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="client",
            field=models.CharField(blank=True, editable=False, max_length=32, null=True),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("publish", "published"),
                    ("reject", "rejected"),
                    ("hide", "hidden"),
                    ("restore", "restored"),
                    ("auto_hide", "hidden automatically after flags"),
                    ("confirm_hide", "hiding confirmed after review"),
                    ("dismiss_flags", "flags dismissed"),
                    ("respond", "official response"),
                    ("link_measures", "measures linked"),
                    ("delete_own", "deleted by its contributor"),
                    ("erase", "erased on request"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(fields=["client", "created_at"], name="flag_client_created"),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(fields=["contribution", "reviewed_at"], name="flag_contribution_review"),
        ),
        migrations.AddConstraint(
            model_name="flag",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client__isnull", False), ("user__isnull", True)),
                fields=("contribution", "client"),
                name="flag_once_per_client",
            ),
        ),
    ]
