<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppealLogModel</name>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="116"/>
        <source>Number</source>
        <translation>受理编号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="117"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="118"/>
        <source>Appeal</source>
        <translation>诉求事项</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="119"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="120"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="121"/>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="122"/>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="123"/>
        <source>Working days left</source>
        <translation>剩余工作日</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="139"/>
        <source>Its timeline does not replay: ask the administrator to check it.</source>
        <translation>该诉求的办理记录无法核对，期限可能不准，请联系管理员检查。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="156"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="159"/>
        <source>check timeline</source>
        <translation>记录待核对</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="161"/>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="165"/>
        <source>replied late</source>
        <translation>超期反馈</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="165"/>
        <source>replied in time</source>
        <translation>按期反馈</translation>
    </message>
</context>
<context>
    <name>AppealLogPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="192"/>
        <source>Search: number, appeal or enterprise</source>
        <translation>搜索：受理编号、诉求事项或企业名称</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="196"/>
        <source>Open appeals</source>
        <translation>未办结</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="197"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="202"/>
        <source>All tiers</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="207"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="212"/>
        <source>Any date</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="213"/>
        <source>Last 7 days</source>
        <translation>近7天受理</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="214"/>
        <source>Last 30 days</source>
        <translation>近30天受理</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="215"/>
        <source>This year</source>
        <translation>今年受理</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="216"/>
        <source>Date range…</source>
        <translation>指定日期范围…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="228"/>
        <source>Overdue only</source>
        <translation>只看超期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="230"/>
        <source>Due within 3 working days</source>
        <translation>3个工作日内到期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="233"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="236"/>
        <source>Receipt (PDF)…</source>
        <translation>打印受理回执（PDF）…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="419"/>
        <source>%1 appeals</source>
        <translation>共 %1 件</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="455"/>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="469"/>
        <source>Export the appeal log</source>
        <translation>导出诉求台账</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="471"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="479"/>
        <source>Exported %1 appeals</source>
        <translation>已导出 %1 件</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="495"/>
        <source>Save the receipt</source>
        <translation>保存受理回执</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="534"/>
        <source>%1 appeals are overdue; %2 are due today or on the next working day.</source>
        <translation>提醒：%1 件诉求已超期，%2 件今天或下一个工作日到期。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="580"/>
        <source>Select an appeal to see its clock, its route and its timeline.</source>
        <translation>选择一件诉求，查看期限、办理流程和时间线。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="584"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="587"/>
        <source>(overdue)</source>
        <translation>（已超期）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="589"/>
        <source>(replied late)</source>
        <translation>（超期反馈）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="589"/>
        <source>(replied in time)</source>
        <translation>（按期反馈）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="590"/>
        <source> (provisional)</source>
        <translation>（暂定）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="591"/>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="592"/>
        <source>Forwards</source>
        <translation>转办情况</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="593"/>
        <source>Timeline</source>
        <translation>办理记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="604"/>
        <source>%1: forwarded %2, answer due %3</source>
        <translation>%1：%2 转办，%3 前答复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="610"/>
        <source>answered %1</source>
        <translation>%1 已答复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="612"/>
        <source>answered late</source>
        <translation>逾期答复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="614"/>
        <source>waiting for the answer</source>
        <translation>等待答复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="616"/>
        <source>overdue: no answer %1 day(s) after the deadline</source>
        <translation>已超期：答复期限已过 %1 日仍未答复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/appeal_log_page.py" line="622"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
</context>
<context>
    <name>CalendarTab</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="242"/>
        <source>Import a year (JSON)…</source>
        <translation>导入年度日历（JSON）…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="269"/>
        <source>Import a year&apos;s calendar</source>
        <translation>导入年度日历</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="292"/>
        <source>Importing the calendar and recounting the appeal clocks…</source>
        <translation>正在导入日历并重新计算诉求期限…</translation>
    </message>
</context>
<context>
    <name>ColumnDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="40"/>
        <source>Match columns</source>
        <translation>对应列</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="46"/>
        <source>Say which row holds the column headers and what each column holds. Enterprise name and unified social credit code are needed; columns set to “not imported” are left out.</source>
        <translation>请指明表头所在的行，并为每一列选择其内容。“企业名称”和“统一社会信用代码”必须指定；选为“不导入”的列将被忽略。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="55"/>
        <source>(the file)</source>
        <translation>（文件）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="65"/>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="66"/>
        <source>Header row</source>
        <translation>表头所在行</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="96"/>
        <source>Read as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/column_dialog.py" line="99"/>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="58"/>
        <source>Nothing to resolve: every change has been synced.</source>
        <translation>没有待处理的冲突：所有修改都已同步。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="113"/>
        <source>Sync conflicts and refused operations: %1</source>
        <translation>同步冲突与被拒绝的操作：%1 项</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="162"/>
        <source>Step: %1</source>
        <translation>办理步骤：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="174"/>
        <source>This is an edit made on %1 that clashed with the server. It is resolved on that device, and leaves this list once the device has synced its decision.</source>
        <translation>这是设备“%1”上的修改与服务器的冲突，须在该设备上处理；该设备同步其处理结果后，本条即从此列表中消失。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="179"/>
        <source>Keep my value</source>
        <translation>保留本机的值</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="180"/>
        <source>Keep the server&apos;s value</source>
        <translation>采用服务器的值</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="181"/>
        <source>Use the edited value</source>
        <translation>使用编辑后的值</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="183"/>
        <source>Accept the deletion</source>
        <translation>接受删除</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="185"/>
        <source>Restore it with my changes</source>
        <translation>恢复记录并保留本机修改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="188"/>
        <source>Keep the record</source>
        <translation>保留该记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="189"/>
        <source>Delete it anyway</source>
        <translation>仍然删除</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="191"/>
        <source>Keep the record made here</source>
        <translation>保留本机登记的记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="195"/>
        <source>Keep the record already registered</source>
        <translation>保留已登记的记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="197"/>
        <source>Open in the enterprise register</source>
        <translation>在企业档案中查看</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="200"/>
        <source>The other record is deleted (it can be restored). Its appeals, inspections, rectifications, letters and compliant-list history move to the record that stays; visits stay as they were recorded.</source>
        <translation>另一条记录将被删除（可恢复）；它的诉求、检查、整改、文书和合规名单记录并入保留的记录；来访登记保持原样。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="208"/>
        <source>The server refused this change; it stays recorded here. Redo the step from the appeal log if it is still needed.</source>
        <translation>服务器拒绝了这项修改，本机仍保留记录。如仍需办理，请在诉求台账中重新操作。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="212"/>
        <source>Acknowledge</source>
        <translation>知道了</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="217"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="218"/>
        <source>Mine (this computer)</source>
        <translation>本机（我的修改）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="220"/>
        <source>The edit on %1</source>
        <translation>设备“%1”上的修改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="222"/>
        <source>Theirs (the server)</source>
        <translation>服务器（其他设备）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="225"/>
        <source>Change to</source>
        <translation>改为</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="253"/>
        <source>Registered here</source>
        <translation>本机登记</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="255"/>
        <source>Registered on %1</source>
        <translation>在设备“%1”上登记</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/conflicts_page.py" line="257"/>
        <source>Already on the server</source>
        <translation>服务器上已有</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="195"/>
        <source>Address and telephone of %1</source>
        <translation>%1的地址和电话</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="202"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="203"/>
        <source>Telephone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="204"/>
        <source>Printed on the centre&apos;s appeal receipts for questions.</source>
        <translation>印在本中心的诉求受理回执上，供企业咨询。</translation>
    </message>
</context>
<context>
    <name>EnterpriseDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="64"/>
        <source>New enterprise</source>
        <translation>新建企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="64"/>
        <source>Edit enterprise</source>
        <translation>编辑企业档案</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="158"/>
        <source>Already registered as “%1”. &lt;a href=&quot;%2&quot;&gt;Open that record&lt;/a&gt;</source>
        <translation>已登记为“%1”。&lt;a href=&quot;%2&quot;&gt;打开该档案&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="165"/>
        <source>Similar names already registered: %1</source>
        <translation>已有名称相近的企业：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="229"/>
        <source>Please correct</source>
        <translation>请更正</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="234"/>
        <source>Similar name</source>
        <translation>名称相近</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="235"/>
        <source>Save it as a different enterprise anyway?</source>
        <translation>仍然作为另一家企业保存吗？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="242"/>
        <source>Already registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_dialog.py" line="245"/>
        <source>Open the existing record</source>
        <translation>打开已有档案</translation>
    </message>
</context>
<context>
    <name>EnterpriseForm</name>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="6"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="11"/>
        <source>Name *</source>
        <translation>企业名称 *</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="29"/>
        <source>Unified social credit code *</source>
        <translation>统一社会信用代码 *</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="35"/>
        <source>18 characters, e.g. 91330604MA2BXXXXXX</source>
        <translation>18位，例如 91330604MA2BXXXXXX</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="48"/>
        <source>Industry</source>
        <translation>所属产业</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="58"/>
        <source>Compliance centre</source>
        <translation>合规中心</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="68"/>
        <source>Chamber / association</source>
        <translation>所属商会 / 协会</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="78"/>
        <source>Address</source>
        <translation>企业地址</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="88"/>
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="98"/>
        <source>Contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="108"/>
        <source>Contact phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="114"/>
        <source>Mobile, or landline with area code; extension as 转8001</source>
        <translation>手机号，或带区号的固定电话；分机写作“转8001”</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="127"/>
        <source>Size</source>
        <translation>企业规模</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="137"/>
        <source>Settled on</source>
        <translation>入驻时间</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="143"/>
        <source>e.g. 2024-03-05</source>
        <translation>例如 2024-03-05</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="149"/>
        <source>Kept by the compliant list itself (Inspections, compliant list): an enterprise joins it after an inspection or rectification, or from an imported ledger.</source>
        <translation>由合规企业名单自身维护（检查 → 合规企业名单）：企业在检查或整改通过后列入，或由导入的台账列入，不在此处修改。</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="150"/>
        <source>On the district compliant-enterprise list</source>
        <translation>列入区级合规企业名单</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="155"/>
        <source>Model compliant enterprise</source>
        <translation>合规示范企业</translation>
    </message>
    <message>
        <location filename="../../ui/enterprise_form.ui" line="160"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>EnterprisePage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="63"/>
        <source>Search: part of the name, pinyin or initials (sx), credit code, phone</source>
        <translation>搜索：名称任意部分、拼音或首字母（如 sx）、信用代码、电话</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="68"/>
        <source>All centres</source>
        <translation>全部合规中心</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="71"/>
        <source>Compliant list only</source>
        <translation>只看合规企业名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="72"/>
        <source>Deleted records</source>
        <translation>已删除的档案</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="77"/>
        <source>New enterprise</source>
        <translation>新建企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="79"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="81"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="83"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="85"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="87"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="187"/>
        <source>first %1 shown; type more to narrow</source>
        <translation>仅显示前 %1 家，请继续输入以缩小范围</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="189"/>
        <source>%1 found</source>
        <translation>找到 %1 家</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="191"/>
        <source>%1 enterprises</source>
        <translation>共 %1 家企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="199"/>
        <source>No enterprise matches “%1”. Check the name, pinyin initials or credit code; a new enterprise is registered with New enterprise.</source>
        <translation>没有与“%1”相符的企业。请核对企业名称、拼音首字母或统一社会信用代码；尚未登记的企业，可点击“新建企业”登记。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="203"/>
        <source>No enterprise matches “%1”. Check the name, pinyin initials or credit code.</source>
        <translation>没有与“%1”相符的企业。请核对企业名称、拼音首字母或统一社会信用代码。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="246"/>
        <source>Select an enterprise to see its record and history.</source>
        <translation>选择一家企业，查看档案和历史记录。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="249"/>
        <source>Credit code</source>
        <translation>信用代码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="250"/>
        <source>Industry</source>
        <translation>所属产业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="251"/>
        <source>Centre</source>
        <translation>合规中心</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="252"/>
        <source>Chamber</source>
        <translation>所属商会</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="253"/>
        <source>Address</source>
        <translation>企业地址</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="254"/>
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="255"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="256"/>
        <source>Size</source>
        <translation>企业规模</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="257"/>
        <source>Settled on</source>
        <translation>入驻时间</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="258"/>
        <source>Compliant list</source>
        <translation>合规名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="258"/>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="259"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="258"/>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="259"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="259"/>
        <source>Model enterprise</source>
        <translation>示范企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="260"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="266"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="275"/>
        <source>Appeals</source>
        <translation>诉求记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="283"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="290"/>
        <source>Inspections</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="291"/>
        <source>Rectification</source>
        <translation>整改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="292"/>
        <source>Compliant-list history</source>
        <translation>合规名单记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="304"/>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="337"/>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="357"/>
        <source>Still under way for it: %1.</source>
        <translation>该企业尚有：%1。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="359"/>
        <source>Delete enterprise</source>
        <translation>删除企业档案</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="353"/>
        <source>Delete “%1”? The record is kept in the history and can be restored by an administrator.</source>
        <translation>确定删除“%1”吗？记录会保留在历史中，管理员可以恢复。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="366"/>
        <source>Deleted: %1</source>
        <translation>已删除：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="383"/>
        <source>Restored: %1</source>
        <translation>已恢复：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="391"/>
        <source>Import enterprise list</source>
        <translation>导入企业名录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="393"/>
        <source>Spreadsheets (*.xlsx *.csv)</source>
        <translation>电子表格 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="406"/>
        <source>Export enterprise list</source>
        <translation>导出企业名录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="408"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_page.py" line="417"/>
        <source>Exported %1 enterprises to %2</source>
        <translation>已导出 %1 家企业到 %2</translation>
    </message>
</context>
<context>
    <name>EnterpriseTableModel</name>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="30"/>
        <source>Name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="31"/>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="32"/>
        <source>Industry</source>
        <translation>所属产业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="33"/>
        <source>Chamber</source>
        <translation>所属商会</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="34"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="35"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="36"/>
        <source>Size</source>
        <translation>企业规模</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="37"/>
        <source>Compliant list</source>
        <translation>合规名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="50"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/enterprise_model.py" line="54"/>
        <source>Model compliant enterprise</source>
        <translation>合规示范企业</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../src/compliance_desk/gui/crash.py" line="35"/>
        <source>Cannot do that</source>
        <translation>无法完成操作</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/crash.py" line="57"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/crash.py" line="59"/>
        <source>The program hit an unexpected error. Everything saved before it is safe; the change in progress may need to be entered again.</source>
        <translation>程序遇到意外错误。此前已保存的数据都是安全的；正在进行的修改可能需要重新录入。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/crash.py" line="66"/>
        <source>Details were written to the log in %1</source>
        <translation>详细信息已写入日志目录 %1</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="144"/>
        <source>First start: set up the administrator</source>
        <translation>首次使用：设置管理员</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="147"/>
        <source>This database has no users yet. Choose the administrator&apos;s user name and password; the administrator then adds the clerks, legal advisers and inspectors.</source>
        <translation>数据库中还没有用户。请设置管理员的用户名和密码；之后由管理员添加前台工作人员、法律顾问和执法人员。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="158"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="159"/>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="160"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="161"/>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="171"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>FontsDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="35"/>
        <source>Fonts for letters</source>
        <translation>文书字体</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="40"/>
        <source>Official letters are set in 仿宋 with titles in 小标宋 (GB/T 9704). Where this computer lacks them, a similar font stands in; choose the font files here (TrueType .ttf or .ttc, e.g. C:/Windows/Fonts/simfang.ttf).</source>
        <translation>公文正文用仿宋，标题用小标宋（GB/T 9704）。本机没有这些字体时，以相近的字体代替；可在此指定字体文件（TrueType .ttf 或 .ttc，如 C:/Windows/Fonts/simfang.ttf）。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="49"/>
        <source>Used for</source>
        <translation>用于</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="49"/>
        <source>Style asked for</source>
        <translation>应用字体</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="49"/>
        <source>Font used here</source>
        <translation>本机使用的字体</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="59"/>
        <source>Choose font file…</source>
        <translation>选择字体文件…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="62"/>
        <source>Use the default</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="95"/>
        <source> — chosen on this computer</source>
        <translation> — 本机指定</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="97"/>
        <source> — stands in for %1</source>
        <translation> — 代替%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="112"/>
        <source>Font file</source>
        <translation>字体文件</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/fonts_dialog.py" line="112"/>
        <source>TrueType fonts (*.ttf *.ttc)</source>
        <translation>TrueType 字体 (*.ttf *.ttc)</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="60"/>
        <source>Import enterprise list — %1</source>
        <translation>导入企业名录 — %1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="62"/>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="142"/>
        <source>Checking every row…</source>
        <translation>正在逐行检查…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="69"/>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="69"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="69"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="76"/>
        <source>Import the good rows and leave out the rows with problems</source>
        <translation>只导入无问题的行，跳过有问题的行（并可保存问题报告）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="82"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="85"/>
        <source>Save problem report…</source>
        <translation>保存问题报告…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="99"/>
        <source>none (by the row&apos;s chamber or industry only)</source>
        <translation>不指定（仅按所属商会或产业归入）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="104"/>
        <source> (industry: %1)</source>
        <translation>（产业：%1）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="116"/>
        <source>Match columns…</source>
        <translation>对应列…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="120"/>
        <source>Rows that name no centre go to:</source>
        <translation>未注明合规中心的企业归入：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="187"/>
        <source>%1 rows ready to import (header found on row %2).</source>
        <translation>%1 行可以导入（表头位于第 %2 行）。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="194"/>
        <source>%1 rows have problems; nothing is written while they remain, unless you leave them out.</source>
        <translation>有 %1 行存在问题：问题未解决前不会写入任何数据，除非选择跳过这些行。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="241"/>
        <source>Import finished: %1 new, %2 updated, %3 unchanged, %4 rows left out.</source>
        <translation>导入完成：新增 %1，更新 %2，未变 %3，跳过 %4 行。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="249"/>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="255"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/import_dialog.py" line="270"/>
        <source>Save problem report</source>
        <translation>保存问题报告</translation>
    </message>
</context>
<context>
    <name>InspectionAdmin</name>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="42"/>
        <source>Sampling and rectification</source>
        <translation>抽查与整改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="54"/>
        <source> months</source>
        <translation> 个月</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="59"/>
        <source>Flag for review</source>
        <translation>标记待复核</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="60"/>
        <source>Remove from the list</source>
        <translation>移出名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="61"/>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="65"/>
        <source>Sampling ratio, other enterprises</source>
        <translation>抽查比例（其他企业）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="66"/>
        <source>Sampling ratio, compliant list</source>
        <translation>抽查比例（合规名单企业）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="68"/>
        <source>Default rectification period, risk %1</source>
        <translation>默认整改期限（%1风险）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="69"/>
        <source>When a listed enterprise is penalised</source>
        <translation>名单内企业受到行政处罚时</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="90"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="91"/>
        <source>The compliant list&apos;s ratio may not exceed the others&apos;.</source>
        <translation>合规名单企业的抽查比例不能高于其他企业。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="110"/>
        <source>Checklist</source>
        <translation>检查清单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="118"/>
        <source>Area</source>
        <translation>领域</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="118"/>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="199"/>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="204"/>
        <source>Item</source>
        <translation>检查内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="119"/>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="199"/>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="205"/>
        <source>Legal basis</source>
        <translation>法律依据</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="122"/>
        <source>Add item</source>
        <translation>添加检查项</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="124"/>
        <source>Remove item</source>
        <translation>删除所选项</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="128"/>
        <source>What changed, and on whose instruction</source>
        <translation>修改内容及依据（谁要求修改）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="129"/>
        <source>Save as new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="189"/>
        <source>Saved as version %1</source>
        <translation>已保存为第 %1 版</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="196"/>
        <source>Minor-violation exemption list (轻微违法不予处罚清单)</source>
        <translation>轻微违法不予处罚清单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="200"/>
        <source>Conditions</source>
        <translation>适用条件</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="206"/>
        <source>Conditions (first violation, minor harm, corrected promptly)</source>
        <translation>适用条件（初次违法、危害后果轻微并及时改正）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_admin.py" line="208"/>
        <source>Add to the list</source>
        <translation>加入清单</translation>
    </message>
</context>
<context>
    <name>InspectionWalk</name>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="63"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="63"/>
        <source>Area</source>
        <translation>领域</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="63"/>
        <source>Item</source>
        <translation>检查内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="63"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="64"/>
        <source>Risk</source>
        <translation>风险</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="64"/>
        <source>What was found</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="75"/>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="78"/>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="467"/>
        <source>Remove photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="82"/>
        <source>Import camera folder…</source>
        <translation>从相机文件夹导入…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="85"/>
        <source>Imports the folder&apos;s photos that are not yet in this inspection</source>
        <translation>导入文件夹中本次检查尚未收录的照片</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="92"/>
        <source>The legal basis of the finding</source>
        <translation>该问题的法律依据</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="98"/>
        <source>Legal basis</source>
        <translation>法律依据</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="99"/>
        <source>Exemption list</source>
        <translation>不予处罚清单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="100"/>
        <source>Sign off…</source>
        <translation>签字确认…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="132"/>
        <source>Select an inspection above to record it.</source>
        <translation>请在上方选择一次检查，再逐项记录。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="145"/>
        <source>(not on the exemption list)</source>
        <translation>（不适用不予处罚清单）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="201"/>
        <source>checklist version %1</source>
        <translation>检查清单第 %1 版</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="203"/>
        <source>&#x3000;Exception: %1</source>
        <translation>&#x3000;破例理由：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="348"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.tif)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="169"/>
        <source>(not answered)</source>
        <translation>（未作答）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="205"/>
        <source>&#x3000;Cancelled: %1</source>
        <translation>&#x3000;取消原因：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="215"/>
        <source>%1 of %2 answered, %3 finding(s)</source>
        <translation>已答 %1 / %2 项，发现问题 %3 项</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="347"/>
        <source>Evidence photos</source>
        <translation>取证照片</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="359"/>
        <source>Some photos were not added</source>
        <translation>部分照片未添加</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="372"/>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="385"/>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="430"/>
        <source>Import camera folder</source>
        <translation>从相机文件夹导入</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="373"/>
        <source>Select the checklist item the photos belong to.</source>
        <translation>请先选中照片所属的检查项。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="377"/>
        <source>Camera folder</source>
        <translation>相机文件夹</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="383"/>
        <source>Importing photos…</source>
        <translation>正在导入照片…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="383"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="414"/>
        <source>%1 photo(s) imported.</source>
        <translation>已导入 %1 张照片。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="416"/>
        <source>%1 already in this inspection, not imported again.</source>
        <translation>%1 张已在本次检查中，未重复导入。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="419"/>
        <source>%1 file(s) that are not photos (videos and the like) left alone.</source>
        <translation>%1 个不是照片的文件（视频等）未导入。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="422"/>
        <source>Stopped: the rest of the folder was not imported.</source>
        <translation>已停止：文件夹中其余照片未导入。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="468"/>
        <source>Take the photo “%1” off this item?</source>
        <translation>从本检查项中删除照片“%1”？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="492"/>
        <source>Sign off</source>
        <translation>签字确认</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspection_walk.py" line="493"/>
        <source>Who represented the enterprise? After signing the record is locked.</source>
        <translation>企业到场代表是谁？签字确认后记录将锁定。</translation>
    </message>
</context>
<context>
    <name>InspectionsPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="196"/>
        <source>Inspections</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="197"/>
        <source>Rectification</source>
        <translation>整改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="198"/>
        <source>Compliant-enterprise list</source>
        <translation>合规企业名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="204"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="216"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="216"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="535"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="649"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="216"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="535"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="216"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="229"/>
        <source>Random draw…</source>
        <translation>双随机抽查…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="232"/>
        <source>Plan…</source>
        <translation>安排检查…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="235"/>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="238"/>
        <source>Another day…</source>
        <translation>改期…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="241"/>
        <source>Call off…</source>
        <translation>取消检查…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="244"/>
        <source>Start rectification…</source>
        <translation>安排整改…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="250"/>
        <source>Draft the advice letter…</source>
        <translation>起草合规建议书…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="254"/>
        <source>Draft the no-penalty decision…</source>
        <translation>起草不予行政处罚决定书…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="257"/>
        <source>For a signed inspection whose findings all match the exemption list</source>
        <translation>用于已签字确认、且发现的问题均对应不予处罚清单的检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="299"/>
        <source>%1/%2 answered, %3 finding(s)</source>
        <translation>已答 %1/%2，问题 %3</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="345"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="351"/>
        <source>Random draw</source>
        <translation>双随机抽查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="345"/>
        <source>Centre</source>
        <translation>合规中心</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="352"/>
        <source>How many enterprises?</source>
        <translation>抽取多少家企业？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="361"/>
        <source>Drawn with seed %1 from %2 enterprise(s); inspectors: %3.</source>
        <translation>抽取种子 %1，抽取范围 %2 家企业；执法人员：%3。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="365"/>
        <source> Left out: %1 enterprise(s) on the compliant list already inspected within the year (at most once a year): %2.</source>
        <translation>已排除 %1 家一年内已检查的合规名单企业（每年至多检查 1 次）：%2。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="429"/>
        <source>No-penalty decision</source>
        <translation>不予行政处罚决定书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="430"/>
        <source>The education given to the party (required by art. 33 of the Administrative Penalty Law):</source>
        <translation>对当事人进行的教育（《行政处罚法》第三十三条要求）：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="455"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="464"/>
        <source>Another day</source>
        <translation>改期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="456"/>
        <source>Inspect %1 on (e.g. 2026-03-01):</source>
        <translation>%1 改在哪天检查（如 2026-03-01）：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="480"/>
        <source>Call off the inspection</source>
        <translation>取消检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="481"/>
        <source>Why is the inspection of %1 on %2 called off?</source>
        <translation>取消 %2 对%1的检查，原因：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="510"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="519"/>
        <source>Start rectification</source>
        <translation>安排整改</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="511"/>
        <source>Rectification deadline (at least three months):</source>
        <translation>整改期限（不少于三个月）：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="465"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="520"/>
        <source>Write the date as 2026-03-01.</source>
        <translation>日期请写作 2026-03-01。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="535"/>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="535"/>
        <source>Inspected</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="536"/>
        <source>Evidence</source>
        <translation>整改材料</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="536"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="615"/>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="623"/>
        <source>Acceptance</source>
        <translation>验收</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="544"/>
        <source>Evidence received…</source>
        <translation>收到整改材料…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="546"/>
        <source>Acceptance…</source>
        <translation>整改验收…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="567"/>
        <source>Open</source>
        <translation>整改中</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="567"/>
        <source>Accepted</source>
        <translation>验收通过</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="568"/>
        <source>Ended by a correction</source>
        <translation>因检查更正终止</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="571"/>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="573"/>
        <source>Due within two weeks</source>
        <translation>两周内到期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="586"/>
        <source>%1 rectification(s), %2 overdue, %3 due within two weeks</source>
        <translation>共 %1 项整改，%2 项逾期，%3 项两周内到期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="599"/>
        <source>Evidence received</source>
        <translation>收到整改材料</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="600"/>
        <source>What did the enterprise submit?</source>
        <translation>企业提交了哪些材料？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="615"/>
        <source>Did the rectification pass acceptance?</source>
        <translation>整改是否验收通过？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="623"/>
        <source>Opinion:</source>
        <translation>验收意见：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="643"/>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="649"/>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="649"/>
        <source>Listed since</source>
        <translation>列入日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="650"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="658"/>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="675"/>
        <source>Flagged for review: </source>
        <translation>待复核：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="682"/>
        <source>%1 enterprise(s)</source>
        <translation>共 %1 家</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="688"/>
        <source>Export the list</source>
        <translation>导出名单</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="700"/>
        <source>Exported %1</source>
        <translation>已导出 %1 家</translation>
    </message>
</context>
<context>
    <name>LetterDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="57"/>
        <source>Edit draft: %1</source>
        <translation>修改草稿：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="57"/>
        <source>New draft: %1</source>
        <translation>起草：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="70"/>
        <source>(as drafted: no issuing department)</source>
        <translation>（起草时未选发文部门）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="72"/>
        <source>(as drafted: a department that no longer issues numbered letters)</source>
        <translation>（起草时的部门，现已不签发编号文书）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="76"/>
        <source>(choose the issuing department)</source>
        <translation>（请选择发文部门）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="86"/>
        <source>Name, pinyin initials or code; Enter</source>
        <translation>企业名称、拼音首字母或信用代码，按回车</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="89"/>
        <source>Issuing department</source>
        <translation>发文部门</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="90"/>
        <source>Fill in the party from the register</source>
        <translation>从企业档案带入当事人</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="91"/>
        <source>The number is given when the legal adviser approves the letter.</source>
        <translation>文号在法律顾问批准签发时自动编号。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="98"/>
        <source>Save and preview</source>
        <translation>保存并预览</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="138"/>
        <source>No enterprise found.</source>
        <translation>没有找到该企业。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="143"/>
        <source>Choose the enterprise</source>
        <translation>选择企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_dialog.py" line="144"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
</context>
<context>
    <name>LetterForm</name>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_form.py" line="104"/>
        <source> (optional)</source>
        <translation>（选填）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_form.py" line="126"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
</context>
<context>
    <name>LettersPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="60"/>
        <source>Letter</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="60"/>
        <source>Number</source>
        <translation>文号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="60"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="60"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="61"/>
        <source>Dated</source>
        <translation>成文日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="61"/>
        <source>Approved by</source>
        <translation>签发</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="74"/>
        <source>New letter</source>
        <translation>新建文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="77"/>
        <source>New in the same case</source>
        <translation>同案新建</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="79"/>
        <source>Edit draft…</source>
        <translation>修改草稿…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="80"/>
        <source>Preview / print…</source>
        <translation>预览 / 打印…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="81"/>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="312"/>
        <source>Approve and issue</source>
        <translation>批准签发</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="82"/>
        <source>Correct…</source>
        <translation>更正…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="83"/>
        <source>Void…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="84"/>
        <source>Print 三书同达…</source>
        <translation>打印三书同达…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="86"/>
        <source>Batch print bundles…</source>
        <translation>批量打印三书同达…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="88"/>
        <source>Verify a letter…</source>
        <translation>核验文书…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="89"/>
        <source>Register of numbers…</source>
        <translation>文号登记簿…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="139"/>
        <source>%1 is printed in %2</source>
        <translation>%1以“%2”代替</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="144"/>
        <source>This computer lacks fonts the official format asks for: %1. Choose the font files under File → Fonts for letters….</source>
        <translation>本机缺少公文格式要求的字体：%1。可在“文件 → 文书字体…”中指定字体文件。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="195"/>
        <source>(none yet)</source>
        <translation>（未编号）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="215"/>
        <source>%1 letter(s), %2 draft(s) awaiting approval</source>
        <translation>共 %1 份文书，%2 份草稿待批准</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="313"/>
        <source>Issue %1 for %2? It gets its number and can no longer be changed.</source>
        <translation>签发给“%2”的%1？签发后将编号，内容不可再改。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="326"/>
        <source>Issued as %1</source>
        <translation>已签发：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="348"/>
        <source>Void</source>
        <translation>作废</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="348"/>
        <source>Why is %1 voided? (kept in the register)</source>
        <translation>%1 的作废理由（记入文号登记簿）：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="374"/>
        <source>Before serving</source>
        <translation>送达前请注意</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="375"/>
        <source>Print the bundle anyway?</source>
        <translation>仍要打印三书同达吗？</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="383"/>
        <source>三书同达</source>
        <translation>三书同达</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="391"/>
        <source>Preparing bundles…</source>
        <translation>正在生成三书同达…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="391"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="406"/>
        <source>Some cases were left out</source>
        <translation>部分案件未能打印</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letters_page.py" line="407"/>
        <source>三书同达（批量）</source>
        <translation>三书同达（批量）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="106"/>
        <source>Shangyu District compliance desk</source>
        <translation>上虞区重点产业合规服务台</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="114"/>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="122"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="125"/>
        <source>Change my password…</source>
        <translation>修改密码…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="129"/>
        <source>Fonts for letters…</source>
        <translation>文书字体…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="133"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="156"/>
        <source>Database: this computer (%1)</source>
        <translation>数据库：本机（%1）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="159"/>
        <source>Database: shared (%1)</source>
        <translation>数据库：共享（%1）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="171"/>
        <source>Password changed.</source>
        <translation>密码已修改。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="193"/>
        <source>Fonts for letters</source>
        <translation>文书字体</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="194"/>
        <source>The fonts are used now but could not be saved for the next start: %1</source>
        <translation>字体已启用，但未能保存，下次启动需重新指定：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="200"/>
        <source>Fonts for letters changed.</source>
        <translation>文书字体已更改。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="247"/>
        <source>Walk-in registration</source>
        <translation>来访登记</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="250"/>
        <source>Appeal log</source>
        <translation>诉求台账</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="256"/>
        <source>Letters</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="262"/>
        <source>Inspections</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="263"/>
        <source>Enterprises</source>
        <translation>企业档案</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="267"/>
        <source>Letter templates</source>
        <translation>文书模板</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="269"/>
        <source>Reference data</source>
        <translation>基础数据</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="271"/>
        <source>Users</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="277"/>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="400"/>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="296"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="297"/>
        <source>Refresh this list</source>
        <translation>刷新当前列表</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="307"/>
        <source>&amp;Sync</source>
        <translation>同步(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="308"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="312"/>
        <source>Conflicts and refused operations</source>
        <translation>冲突与被拒绝的操作</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="351"/>
        <source>This desk works on the shared database: there is nothing to sync.</source>
        <translation>本机直接使用共享数据库，无需同步。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="356"/>
        <source>This computer is not enrolled for sync: ask an administrator.</source>
        <translation>本机未登记同步，请联系管理员登记。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/main_window.py" line="425"/>
        <source>Compliance Desk</source>
        <translation>合规服务台</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="320"/>
        <source>New user</source>
        <translation>新建用户</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="338"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="339"/>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="340"/>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="341"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="342"/>
        <source>Centre</source>
        <translation>合规中心</translation>
    </message>
</context>
<context>
    <name>NumbersDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="162"/>
        <source>Register of numbers</source>
        <translation>文号登记簿</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="167"/>
        <source>Number</source>
        <translation>文号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="167"/>
        <source>Letter</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="167"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="167"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="168"/>
        <source>Reason voided</source>
        <translation>作废理由</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="168"/>
        <source>Issued</source>
        <translation>签发时间</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="36"/>
        <source>Change my password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="37"/>
        <source>Current password</source>
        <translation>原密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="39"/>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="40"/>
        <source>A new password for %1; tell them to change it after signing in.</source>
        <translation>为“%1”设置新密码；请告知其登录后自行修改。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="42"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="43"/>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="44"/>
        <source>At least 8 characters, letters and digits.</source>
        <translation>至少8位，须同时包含字母和数字。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/password_dialog.py" line="52"/>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="79"/>
        <source>Print preview — %1</source>
        <translation>打印预览 — %1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="86"/>
        <source>%1 page(s)</source>
        <translation>共 %1 页</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="87"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="90"/>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="93"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/pdf_preview.py" line="114"/>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="80"/>
        <source>Plan a joint inspection</source>
        <translation>安排联合检查</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="93"/>
        <source>Add an enterprise: name or pinyin initials, Enter</source>
        <translation>添加企业：输入名称或拼音首字母，按回车</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="110"/>
        <source>Only to inspect a listed enterprise twice a year</source>
        <translation>仅在一年内再次检查名单内企业时填写</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="114"/>
        <source>Enterprises</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="117"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="118"/>
        <source>Departments</source>
        <translation>参加部门</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="119"/>
        <source>Reason for an exception</source>
        <translation>破例理由</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="142"/>
        <source>No enterprise matches “%1”.</source>
        <translation>找不到与“%1”相符的企业。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="147"/>
        <source>%1 is in the list already.</source>
        <translation>%1 已在列表中。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="151"/>
        <source> (added, not drawn)</source>
        <translation>（另行添加，非抽取）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/inspections_page.py" line="183"/>
        <source>Not planned</source>
        <translation>未能安排</translation>
    </message>
</context>
<context>
    <name>ReferenceList</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="56"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="57"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="58"/>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="179"/>
        <source>Retire</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="66"/>
        <source>Number prefix…</source>
        <translation>文号代字…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="71"/>
        <source>Address and telephone…</source>
        <translation>地址和电话…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="105"/>
        <source>Number prefix</source>
        <translation>文号代字</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="106"/>
        <source>The code in this department&apos;s letter numbers, e.g. 虞市监</source>
        <translation>该部门文书编号中的代字，如“虞市监”</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="141"/>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="148"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="148"/>
        <source>Centre</source>
        <translation>合规中心</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="164"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="179"/>
        <source>Retire “%1”?</source>
        <translation>确定停用“%1”吗？</translation>
    </message>
</context>
<context>
    <name>ReferencePage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="309"/>
        <source>Working-day calendar</source>
        <translation>工作日日历</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="74"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="80"/>
        <source>Shangyu District compliance desk</source>
        <translation>上虞区重点产业合规服务台</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="82"/>
        <source>Sign in with your own user name; it works without a network.</source>
        <translation>请用本人账号登录；无网络时也可登录。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="86"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="87"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="116"/>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/login.py" line="120"/>
        <source>Checking the password…</source>
        <translation>正在核对密码…</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="64"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="90"/>
        <source>Departments</source>
        <translation>转办部门</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="95"/>
        <source>Forward</source>
        <translation>转办</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="100"/>
        <source>New tier</source>
        <translation>新的等级</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="106"/>
        <source>Ask the enterprise</source>
        <translation>请询问企业</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="108"/>
        <source>Satisfaction (1–5)</source>
        <translation>企业满意度（1—5分）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="110"/>
        <source>Meeting date</source>
        <translation>会商日期</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="111"/>
        <source>Participants</source>
        <translation>参会人员</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="127"/>
        <source>Instructions to the departments</source>
        <translation>转办说明</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="128"/>
        <source>The department&apos;s answer</source>
        <translation>部门答复内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="129"/>
        <source>Outcome of the meeting</source>
        <translation>会商结果</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="130"/>
        <source>What is sent to the leader</source>
        <translation>报送说明</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="131"/>
        <source>Answer</source>
        <translation>答复内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="132"/>
        <source>What the enterprise was told</source>
        <translation>反馈企业的内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="133"/>
        <source>Why it is reopened</source>
        <translation>重新打开的原因</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="134"/>
        <source>Why the tier is raised</source>
        <translation>提升等级的原因</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="135"/>
        <source>Why the clock stops (e.g. waiting for documents)</source>
        <translation>暂停原因（如等待企业补充材料）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="136"/>
        <source>What the chamber relayed</source>
        <translation>经商会转达的内容</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="137"/>
        <source>Closing remarks</source>
        <translation>办结说明</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="139"/>
        <source>Remarks</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/step_dialog.py" line="143"/>
        <source>Record the enterprise&apos;s satisfaction (1–5) first.</source>
        <translation>请先记录企业满意度（1—5分）。</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="42"/>
        <source>Devices&apos; conflicts: %1</source>
        <translation>各设备的冲突：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="44"/>
        <source>Conflicts to resolve: %1</source>
        <translation>冲突待处理：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="47"/>
        <source>Waiting: %1</source>
        <translation>待同步：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="51"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="55"/>
        <source>Sync: not needed (this desk works on the shared database)</source>
        <translation>同步：无需同步（本机直接使用共享数据库）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="57"/>
        <source>Sync: not enrolled (this computer only)</source>
        <translation>同步：未登记同步（仅本机数据）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="59"/>
        <source>Sync stopped: %1</source>
        <translation>同步已停止：%1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="72"/>
        <source>Sync: offline, last synced %1, retrying in %2 s</source>
        <translation>同步：离线，最近同步 %1，%2 秒后重试</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="78"/>
        <source>Sync: connecting…</source>
        <translation>同步：正在连接…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="64"/>
        <source>Sync: %3 (last synced %1, retrying in %2 s)</source>
        <translation>同步：%3（最近同步 %1，%2 秒后重试）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="81"/>
        <source>Sync: server problem, last synced %1, retrying in %2 s</source>
        <translation>同步：服务器出错，最近同步 %1，%2 秒后重试</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="87"/>
        <source>Sync: online, last synced %1</source>
        <translation>同步：在线，最近同步 %1</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/sync_status.py" line="89"/>
        <source> (syncing…)</source>
        <translation>（正在同步…）</translation>
    </message>
</context>
<context>
    <name>TemplatePage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="71"/>
        <source>What changed, and on whose instruction</source>
        <translation>修改内容及依据（谁要求修改）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="72"/>
        <source>Preview with sample data</source>
        <translation>用示例数据预览</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="75"/>
        <source>Save as new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="86"/>
        <source>Letter</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="121"/>
        <source>Version %1 — %2</source>
        <translation>版本 %1 — %2</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="137"/>
        <source>Rendering the preview…</source>
        <translation>正在生成预览……</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="153"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="153"/>
        <source>Please say what changed.</source>
        <translation>请填写修改说明。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="163"/>
        <source>Saving…</source>
        <translation>正在保存……</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="173"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/template_page.py" line="174"/>
        <source>Version %1 saved. Letters already drafted keep their version until edited.</source>
        <translation>已保存为版本 %1。已起草的文书在再次修改前仍使用原版本。</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="373"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="373"/>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="373"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="373"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="382"/>
        <source>New user…</source>
        <translation>新建用户…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="383"/>
        <source>Enable / disable</source>
        <translation>启用 / 停用</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="384"/>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="407"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="407"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="425"/>
        <source>Disable the account of %1? They can no longer sign in.</source>
        <translation>停用“%1”的账号？停用后该账号不能再登录。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/admin_pages.py" line="437"/>
        <source>Disable account</source>
        <translation>停用账号</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="52"/>
        <source>Verify a letter</source>
        <translation>核验文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="55"/>
        <source>Scan the QR code here (or paste its text)</source>
        <translation>在此扫描二维码（或粘贴其内容）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="64"/>
        <source>Check number and code</source>
        <translation>核对文号和核验码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="67"/>
        <source>QR code</source>
        <translation>二维码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="68"/>
        <source>Or the number</source>
        <translation>或输入文号</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="69"/>
        <source>and the verification code</source>
        <translation>及核验码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="74"/>
        <source>Show the letter on record</source>
        <translation>查看存档文书</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/verify_dialog.py" line="104"/>
        <source>Checking…</source>
        <translation>正在核验……</translation>
    </message>
</context>
<context>
    <name>VisitPage</name>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="56"/>
        <source>Type the name, pinyin initials or credit code</source>
        <translation>输入企业名称、拼音首字母或信用代码</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="65"/>
        <source>New enterprise…</source>
        <translation>新建企业…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="95"/>
        <source>Attach scans or photos…</source>
        <translation>添加扫描件或照片…</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="101"/>
        <source>Register an appeal as well</source>
        <translation>同时登记为诉求</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="113"/>
        <source>Save (Enter)</source>
        <translation>保存（回车）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="117"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="129"/>
        <source>Enterprise *</source>
        <translation>企业 *</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="131"/>
        <source>Visitor *</source>
        <translation>来访人 *</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="132"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="133"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="134"/>
        <source>Area</source>
        <translation>涉及领域</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="135"/>
        <source>Description</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="139"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="141"/>
        <source>Appeal *</source>
        <translation>诉求事项 *</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="142"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="154"/>
        <source>Registered in this session</source>
        <translation>本次登记记录</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="207"/>
        <source>Selected: %1 (%2)</source>
        <translation>已选：%1（%2）</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="216"/>
        <source>Earlier appeals of this enterprise: %1</source>
        <translation>该企业既往诉求 %1 件：</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="221"/>
        <source>No earlier appeals from this enterprise.</source>
        <translation>该企业此前没有诉求记录。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="245"/>
        <source>Attach scans or photos</source>
        <translation>添加扫描件或照片</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="247"/>
        <source>Scans and photos (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)</source>
        <translation>扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="257"/>
        <source>Choose the enterprise first (type to search, or create it).</source>
        <translation>请先选择企业（输入以搜索，或新建企业）。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="296"/>
        <source>Registered. Appeal %1, due %2.</source>
        <translation>已登记。受理编号 %1，期限 %2。</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/visit_page.py" line="303"/>
        <source>Visit registered.</source>
        <translation>来访已登记。</translation>
    </message>
</context>
<context>
    <name>_ListTable</name>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_form.py" line="46"/>
        <source>Add row</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_form.py" line="48"/>
        <source>Remove row</source>
        <translation>删除所选行</translation>
    </message>
</context>
<context>
    <name>_OptionalDate</name>
    <message>
        <location filename="../../src/compliance_desk/gui/letter_form.py" line="186"/>
        <source>Fill in</source>
        <translation>填写</translation>
    </message>
</context>
</TS>
