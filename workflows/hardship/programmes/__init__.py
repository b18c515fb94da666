"""The aid programme pages (帮扶项目: 送温暖, 金秋助学, 医疗救助, 临时救助): the list and the
application forms (views), one application with its actions and documents (detail)."""
