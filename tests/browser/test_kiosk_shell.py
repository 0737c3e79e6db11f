"""The kiosk shell loads from the running local stack in a real Chromium at 1280x800."""


def test_kiosk_shell_loads_in_bahasa_indonesia(page, stack):
    page.goto(stack.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_role("heading", name="Sambung Kasir").wait_for()
    assert page.viewport_size == {"width": 1280, "height": 800}
