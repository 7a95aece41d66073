"""Features that add menus, toolbar buttons, timers and start/close steps to the window.

Each module has ``install(window: MainWindow) -> None`` and is listed in
``peerdesk.ui.main_window.FEATURES``.
"""
