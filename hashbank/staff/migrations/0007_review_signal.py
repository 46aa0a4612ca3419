"""`staff.review_signal`: confirm a hash's review tier (issue 17), or take the confirmation back.
Caseworkers, dispute reviewers and administrators hold it."""

from django.db import migrations

PERMISSION = ("review_signal", "Can confirm a signal's review tier or take the confirmation back")
ROLES = ["caseworker", "dispute reviewer", "administrator"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs this one now.
    app_config = apps.get_app_config("staff")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="staff", codename=PERMISSION[0])
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="staff", codename=PERMISSION[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("staff", "0006_manage_federation")]
    operations = [
        migrations.AlterModelOptions(
            name="consolepermission",
            options={
                "default_permissions": (),
                "managed": False,
                "permissions": [
                    ("view_dashboard", "Can see the staff dashboard"),
                    ("view_cases", "Can find and read cases"),
                    ("assign_case", "Can assign cases to caseworkers"),
                    ("export_cases", "Can export the case list as CSV"),
                    ("export_case_hashes", "Can include hash values in a case list export"),
                    ("add_case_note", "Can add notes to cases"),
                    ("suspend_signal", "Can suspend a case's signal from the feed"),
                    ("restore_signal", "Can restore a suspended signal to the feed"),
                    (
                        "review_signal",
                        "Can confirm a signal's review tier or take the confirmation back",
                    ),
                    ("withdraw_signal", "Can withdraw a case's signal on the person's behalf"),
                    ("unlock_case", "Can unlock a case locked by wrong PINs"),
                    ("assisted_submission", "Can submit a case on a person's behalf"),
                    ("view_disputes", "Can see the dispute review queue"),
                    ("raise_dispute", "Can raise a dispute against a case's signal"),
                    ("decide_dispute", "Can uphold or reject disputes"),
                    ("view_members", "Can see members, credentials and sync lag"),
                    (
                        "manage_members",
                        "Can onboard, invite users to, suspend and reactivate members",
                    ),
                    ("manage_credentials", "Can issue and revoke member credentials"),
                    (
                        "reset_portal_user",
                        "Can reset a member portal user's sign-in and second factor",
                    ),
                    ("view_keys", "Can see signing keys and root documents"),
                    ("manage_staff", "Can create staff accounts and reset their second factor"),
                    (
                        "manage_helpline",
                        "Can change the helpline contact shown on the public pages",
                    ),
                    (
                        "manage_federation",
                        "Can see and suspend or remove peer banks and their mirrors",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
