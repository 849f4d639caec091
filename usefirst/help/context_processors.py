from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site_footer(request: HttpRequest) -> dict[str, Any]:
    """Who runs the site and how to reach them, for the footer of every page (settings, env-overridable)."""
    return {"site_footer": contact_details()}


def contact_details() -> dict[str, str]:
    return {
        "organiser": settings.SITE_ORGANISER,
        "host_platform": settings.SITE_HOST_PLATFORM,
        "contact_department": settings.CONTACT_DEPARTMENT,
        "contact_phone": settings.CONTACT_PHONE,
        "contact_email": settings.CONTACT_EMAIL,
        "contact_address": settings.CONTACT_ADDRESS,
        "contact_postcode": settings.CONTACT_POSTCODE,
        "contact_hours": settings.CONTACT_HOURS,
        "gov_code": settings.SITE_GOV_CODE,
        "icp_record": settings.SITE_ICP_RECORD,
        "psb_record": settings.SITE_PSB_RECORD,
    }
