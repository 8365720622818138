"""The numbers service: WhatsApp Business API phone numbers and their lifecycle."""
