"""The Japanese names of the audit log's action codes, for the audit screen.

Every code passed to `saiken.audit.record(action=...)` has a name here
(tests/audit/test_labels.py scans the code base for them); a code without one is
shown as it is.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # 拒否
    "access.refused": "拒否された操作",
    # 管理画面
    "admin.add": "管理画面での登録",
    "admin.change": "管理画面での変更",
    "admin.delete": "管理画面での削除",
    "admin.password": "管理画面でのパスワード変更",
    # ログイン
    "auth.login": "ログイン",
    "auth.login_failed": "ログイン失敗",
    "auth.logout": "ログアウト",
    "otp.enrolled": "二要素認証の設定",
    "otp.verified": "確認コードによる認証",
    "otp.failed": "確認コードの誤り",
    "otp.reset": "二要素認証の設定の削除",
    # 債務者・名寄せ
    "debtor.view": "債務者ページの閲覧",
    "page.view": "画面の閲覧",
    "debtor.search": "債務者の検索",
    "debtors.register": "債務者の登録（調定データ取込）",
    "matching.view": "名寄せされた記録の閲覧",
    "matching.queue_view": "名寄せの確認待ちの閲覧",
    "identity.match": "名寄せ（一括）",
    "identity.confirm": "名寄せの確定（同一人）",
    "identity.reject": "名寄せの却下（別人）",
    "identity.unlink": "名寄せの解除",
    # 督促・催告
    "demand.issue": "督促状の発付",
    "demand.render": "督促状PDFの作成",
    "demand.download": "督促状PDFの取得",
    "demand.returned": "督促状の返戻",
    "demand.resent": "督促状の再送付",
    "demand.published": "督促状の公示送達",
    "demand.delivered": "督促状の送達確認",
    "demand.copy": "督促状の写しの発行",
    "slip.issue": "納付書の発行",
    "slip.download": "納付書PDFの取得",
    "slip.view": "納付書の閲覧",
    "slip.form": "納付書発行画面の表示",
    "reminder.criteria": "催告の抽出条件の登録・変更",
    "reminder.issue": "催告書の一括発送",
    "reminder.pdf": "催告書PDFの取得",
    "reminder.render": "催告書PDFの作成",
    # 滞納整理
    "case.view": "滞納整理事案の閲覧",
    "case.open": "事案の開始",
    "case.reopen": "事案の再開",
    "case.close": "事案の終結",
    "case.assign": "担当者の変更",
    "case.next_action": "次回対応の設定",
    "case.contact": "折衝記録",
    "case.pledge": "分納誓約",
    "case.pledge_broken": "分納誓約の不履行",
    "case.promise": "納付約束",
    "case.promise_broken": "納付約束の不履行",
    "case.task": "課題の登録",
    "case.task_done": "課題の完了",
    "case.referral": "他機関への連携",
    "case.referral_outcome": "連携の結果",
    "case.transfer": "債権回収担当への移管",
    "case.return": "所管課への返還",
    "case.reminder": "催告書の作成",
    "case.investigation": "財産調査の照会",
    "case.investigation_answer": "財産調査の回答",
    "case.investigation_pdf": "照会書の印刷",
    "case.ability": "納付資力の判定",
    "case.disposition": "滞納処分・強制執行",
    "case.disposition_end": "滞納処分の終了",
    "case.disposition_pdf": "滞納処分の書類の印刷",
    "case.realisation": "換価・配当",
    "case.court_result": "裁判所の手続の結果",
    # 徴収猶予・執行停止・不納欠損
    "relief.propose": "猶予・執行停止等の起案",
    "relief.approve": "猶予・執行停止等の決裁",
    "relief.reject": "猶予・執行停止等の却下",
    "relief.revoke": "執行停止の取消",
    "relief.end": "猶予・執行停止等の終了",
    "relief.write_off_run": "不納欠損処理",
    "late_charge.reduce": "延滞金の減免",
    # 時効
    "prescription.event": "時効の更新・完成猶予の記録",
    "prescription.end": "時効の事由の終了",
    "prescription.contract_date": "契約日（時効の起算日）の記録",
    # 収納・還付
    "payments.import": "収納データの取込",
    "payments.import_assessments": "調定データの取込",
    "payments.resolve": "収納データの消込",
    "payments.dismiss": "収納データを対象外に",
    "payments.correction.request": "収納の取消・訂正の申請",
    "payments.correction.approve": "収納の取消・訂正の承認",
    "payments.correction.reject": "収納の取消・訂正の却下",
    "payments.correction.repost": "収納の訂正による受入",
    "payments.transfer": "過誤納金の充当",
    "payments.refund": "還付の決定",
    "payments.refund_returned": "還付の返戻",
    "payments.export_refunds": "総合振込データの作成",
    "payments.refund_held": "還付を振込データから保留",
    "payments.download_refunds": "総合振込データの取得",
    "payments.export_debits": "口座振替依頼データの作成",
    "uploads.purge": "保存期間を過ぎた取込ファイルの削除",
    # 目標・計画
    "goals.set_target": "目標の設定・変更",
    "goals.delete_target": "目標の削除",
    "goals.create_plan": "実施計画の作成",
    "goals.revise_plan": "実施計画の見直し",
    "goals.adopt_plan": "実施計画の決定",
    "goals.record_evaluation": "評価の記録",
    "goals.finalise_evaluation": "評価の確定",
    "goals.start_next_plan": "次期計画の作成",
    "goals.add_solved_case": "解決事例の登録",
    "goals.add_training": "研修記録の登録",
    # 他システムからの照会
    "service_check": "行政サービス利用制限の確認（旧形式）",
    "service_check.call": "行政サービス利用制限の照会",
    "service_check.refused": "行政サービス利用制限の照会の拒否",
    "service_check.throttled": "行政サービス利用制限の照会の拒否（回数の上限）",
    "service_client.add": "照会元システムの登録",
    "service_client.revoke": "照会元システムの失効",
}


def label(code: str) -> str:
    """The Japanese name of an action code; the code itself if it has none."""
    return ACTIONS.get(code, code)
