"""The five staff roles as groups with explicit permissions (a frozen copy of staff/roles.py)."""

from django.db import migrations

CASEWORK = [
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.add_case_note",
    "staff.suspend_signal",
    "staff.restore_signal",
    "staff.withdraw_signal",
    "staff.unlock_case",
    "staff.assisted_submission",
    "staff.view_disputes",
]
REVIEW = [
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.add_case_note",
    "staff.suspend_signal",
    "staff.restore_signal",
    "staff.view_disputes",
    "staff.decide_dispute",
]
MEMBERS = [
    "staff.view_dashboard",
    "staff.view_members",
    "staff.manage_members",
    "staff.manage_credentials",
    "staff.view_keys",
]
AUDIT = [
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.view_disputes",
    "staff.view_members",
    "staff.view_keys",
    "audit.view_auditentry",
    "audit.export_auditentry",
]
ROLES = {
    "caseworker": CASEWORK,
    "dispute reviewer": REVIEW,
    "member manager": MEMBERS,
    "auditor": AUDIT,
    "administrator": sorted(set(CASEWORK + REVIEW + MEMBERS + AUDIT + ["staff.manage_staff"])),
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("staff", "audit"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("audit", "0002_chain_head"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
