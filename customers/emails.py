"""Email builders owned by the customers app (sign-in links)."""

from alera.emails import Email, email_builder


@email_builder("magic_link")
def build_magic_link(*, client_id: int, link: str) -> Email | None:
    from customers.models import Client

    client = Client.objects.select_related("provider").filter(pk=client_id).first()
    if client is None:
        return None
    provider = client.provider
    return Email(
        to=[client.email],
        subject=f"Your sign-in link for {provider.display_name}",
        context={"client": client, "link": link},
        provider=provider,
    )
