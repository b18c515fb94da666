"""Aid programmes (帮扶项目): 送温暖, 金秋助学, 医疗救助 and 临时救助 beside the identification procedure.

`amounts` computes what a programme's rule gives (pure: the caller hands in the figures);
`applications` checks eligibility, computes and records an application, and pays it from the
programme's fund line (cases.hardship.aid.pay_from_fund) when the door moves it to paid.
"""
