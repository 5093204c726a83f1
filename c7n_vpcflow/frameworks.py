"""Frameworks that map the control this project enforces, as facts from Prowler.

Taken from Prowler's compliance files (github.com/prowler-cloud/prowler,
prowler/compliance/aws/*.json at commit 3e000faa3109230b748e4418a13c11c9e59f5cfb,
2026-08-21): every requirement whose Checks list `vpc_flow_logs_enabled`, Prowler's check
for "VPC flow logging is enabled in all VPCs". Framework names and versions are Prowler's;
a requirement is (Id, Name) with the Name left empty where Prowler gives none, only
repeats the resource type, or gives a whole sentence. The mapping is Prowler's: passing
this one control does not by itself satisfy any of these requirements.
"""
PROWLER_COMMIT = "3e000faa3109230b748e4418a13c11c9e59f5cfb"
PROWLER_CHECK = "vpc_flow_logs_enabled"

# (Prowler's framework name, version, ((requirement id, name), ...))
FRAMEWORKS = (
    ('CIS Amazon Web Services Foundations Benchmark v1.4.0', '1.4', (
        ('3.9', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v1.5.0', '1.5', (
        ('3.9', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v2.0.0', '2.0', (
        ('3.9', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v3.0.0', '3.0', (
        ('3.7', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v4.0.1', '4.0.1', (
        ('3.7', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v5.0.0', '5.0', (
        ('3.7', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v6.0.0', '6.0', (
        ('4.7', ''),
    )),
    ('CIS Amazon Web Services Foundations Benchmark v7.0.0', '7.0', (
        ('4.7', ''),
    )),
    ('AWS Account Security Onboarding', '', (
        ('Send VPC Flow Logs (only DENYs) to S3 bucket', ''),
    )),
    ('AWS AI Security Framework', '1.0', (
        ('AISF-INFRA-08', 'VPC Security for AI Workloads'),
    )),
    ('AWS Foundational Security Best Practices', '', (
        ('EC2.6', 'VPC flow logging should be enabled in all VPCs'),
    )),
    ('AWS Well-Architected Framework Security Pillar', '', (
        ('SEC04-BP01', ''),
        ('SEC04-BP02', ''),
        ('SEC04-BP03', ''),
        ('SEC05-BP04', ''),
        ('SEC09-BP04', ''),
    )),
    ('Cloud Computing Compliance Criteria Catalogue C5', '2025', (
        ('AM-01.01AC', ''),
        ('OPS-11.02AC', ''),
        ('OPS-26.05B', ''),
        ('OPS-26.01AS', ''),
    )),
    ('Common Cloud Controls Catalog (CCC)', 'v2025.10', (
        ('CCC.Core.CN04.AR02', ''),
        ('CCC.Logging.CN01.AR01', ''),
        ('CCC.Logging.CN01.AR02', ''),
        ('CCC.VPC.CN04.AR01', ''),
    )),
    ('CISA Cyber Essentials framework', '', (
        ('your-surroundings-1', 'Your Surroundings-1'),
        ('your-data-2', 'Your Data-2'),
    )),
    ('ENS RD 311/2022 - Categoría Alta', 'RD2022', (
        ('op.mon.1.aws.flow.1', ''),
    )),
    ('FedRAMP 20x Key Security Indicators (KSIs) - Low Impact Level v25.05C', '25.05C', (
        ('ksi-mla', 'KSI-MLA: Monitoring, Logging, and Auditing'),
    )),
    ('FedRAMP Low Revision 4', '', (
        ('au-2', 'Audit Events (AU-2)'),
    )),
    ('FedRAMP Moderate Revision 4', '', (
        ('au-2-a-d', 'AU-2(a)(d)'),
        ('au-3', 'Content of Audit Records (AU-3)'),
        ('au-6-1-3', 'AU-6(1)(3)'),
        ('au-12-a-c', 'AU-12(a)(c)'),
    )),
    ('FFIEC Cybersecurity Assessment Tool framework', '', (
        ('d2-ma-ma-b-1', 'D2.MA.Ma.B.1'),
        ('d2-ma-ma-b-2', 'D2.MA.Ma.B.2'),
        ('d3-dc-an-b-3', 'D3.DC.An.B.3'),
        ('d3-dc-an-b-4', 'D3.DC.An.B.4'),
        ('d3-dc-ev-b-1', 'D3.DC.Ev.B.1'),
        ('d3-dc-ev-b-3', 'D3.DC.Ev.B.3'),
        ('d3-pc-im-b-3', 'D3.PC.Im.B.3'),
    )),
    ('GDPR compliance framework', '', (
        ('article_25', 'Article 25 Data protection by design and by default'),
        ('article_30', 'Article 30 Records of processing activities'),
    )),
    ('GxP (Good Practices) 21 CFR Part 11', '', (
        ('11.10-e', '11.10(e)'),
    )),
    ('HIPAA compliance framework', '', (
        ('164_308_a_1_ii_d', '164.308(a)(1)(ii)(D) Information system activity review'),
        ('164_308_a_3_ii_a', '164.308(a)(3)(ii)(A) Authorization and/or supervision'),
        ('164_308_a_6_ii', '164.308(a)(6)(ii) Response and reporting'),
        ('164_312_b', '164.312(b) Audit controls'),
        ('164_312_c_2', ''),
    )),
    ('ISO/IEC 27001 Information Security Management Standard 2013', '2013', (
        ('A.12.4.R', 'Logging and Monitoring'),
    )),
    ('ISO/IEC 27001 Information Security Management Standard 2022', '2022', (
        ('A.8.15', 'Logging'),
        ('A.8.16', 'Monitoring Activities'),
        ('A.8.20', 'Network Security'),
        ('A.8.21', 'Security of Network Services'),
        ('A.8.22', 'Segregation of Networks'),
        ('A.8.23', 'Web Filtering'),
    )),
    ('KISA ISMS compliance framework 2023 (Korean)', '2023-korean', (
        ('2.9.4', '로그 및 접속기록 관리'),
        ('2.10.2', '클라우드 보안'),
    )),
    ('KISA ISMS compliance framework 2023', '2023', (
        ('2.9.4', 'Log and Access Record Management'),
        ('2.10.2', 'Cloud Security'),
    )),
    ('NIS2 - Network and Information Security Directive (Directive (EU) 2022/2555)', '', (
        ('3.2.3.c', ''),
    )),
    ('National Institute of Standards and Technology (NIST) 800-171 Revision 2', '', (
        ('3_3_1', ''),
        ('3_3_3', '3.3.3 Review and update logged events'),
        ('3_6_1', ''),
        ('3_6_2', ''),
        ('3_13_1', ''),
        ('3_14_6', ''),
        ('3_14_7', '3.14.7 Identify unauthorized use of organizational systems'),
    )),
    ('National Institute of Standards and Technology (NIST) 800-53 Revision 4', '', (
        ('au_2', 'Event Logging (AU-2)'),
        ('au_3', 'Content of Audit Records (AU-3)'),
        ('au_12', 'Audit Generation (AU-12)'),
    )),
    ('National Institute of Standards and Technology (NIST) 800-53 Revision 5', '', (
        ('ac_4_26', 'AC-4(26) Audit Filtering Actions'),
        ('au_2_b', 'AU-2(b)'),
        ('au_3_a', 'AU-3(a)'),
        ('au_3_b', 'AU-3(b)'),
        ('au_3_c', 'AU-3(c)'),
        ('au_3_d', 'AU-3(d)'),
        ('au_3_e', 'AU-3(e)'),
        ('au_6_3', 'AU-6(3) Correlate Audit Record Repositories'),
        ('au_6_4', 'AU-6(4) Central Review And Analysis'),
        ('au_6_6', 'AU-6(6) Correletion With Physical Monitoring'),
        ('au_6_9', 'AU-6(9) Correletion With From Nontechnical Sources'),
        ('au_8_b', 'AU-8(b)'),
        ('au_12_a', 'AU-12(a)'),
        ('au_12_c', 'AU-12(c)'),
        ('au_12_1', 'AU-12(1) System-Wide And Time-Correlated Audit Trial'),
        ('au_12_2', 'AU-12(2) Standardized Formats'),
        ('au_12_3', 'AU-12(3) Changes By Authorized Individuals'),
        ('au_12_4', 'AU-12(4) Query Parameter Audits Of Personally Identifiable Information'),
        ('au_14_a', 'AU-14(a)'),
        ('au_14_b', 'AU-14(b)'),
        ('au_14_3', 'AU-14(3) Remote Viewing And Listening'),
        ('ca_7_b', 'CA-7(b)'),
        ('cm_5_1_b', 'CM-5(1)(b)'),
        ('cm_6_a', 'CM-6(a)'),
        ('cm_9_b', 'CM-9(b)'),
        ('ia_3_3_b', 'IA-3(3)(b)'),
        ('ma_4_1_a', 'MA-4(1)(a)'),
        ('pm_14_a_1', 'PM-14(a)(1)'),
        ('pm_14_b', 'PM-14(b)'),
        ('pm_31', 'Continuous Monitoring Strategy (PM-31)'),
        ('si_4_17', 'SI-4(17) Integrated Situational Awareness'),
        ('si_7_8', 'SI-7(8) Auditing Capability For Significant Events'),
    )),
    ('National Institute of Standards and Technology (NIST) Cybersecurity Framework (CSF) v1.1',
     '1.1', (
        ('ae_1', 'DE.AE-1'),
        ('ae_3', 'DE.AE-3'),
        ('cm_1', 'DE.CM-1'),
        ('cm_7', 'DE.CM-7'),
        ('am_3', 'ID.AM-3'),
        ('ds_5', 'PR.DS-5'),
        ('pt_1', 'PR.PT-1'),
    )),
    ('National Institute of Standards and Technology (NIST) Cybersecurity Framework (CSF) v2.0',
     '2.0', (
        ('po_4', 'GV.PO-4'),
        ('pt_1', 'PR.PT-1'),
        ('pt_4', 'PR.PT-4'),
        ('ae_1', 'DE.AE-1'),
        ('cm_1', 'DE.CM-1'),
    )),
    ('Payment Card Industry Data Security Standard (PCI DSS) v3.2.1', '3.2.1', (
        ('4.1', ''),
        ('4.1.e', ''),
        ('4.1.f', ''),
        ('10.1', ''),
    )),
    ('Payment Card Industry Data Security Standard (PCI DSS) v4.0', '4.0', (
        ('10.2.1.1.34', ''),
        ('10.2.1.2.29', ''),
        ('10.2.1.3.29', ''),
        ('10.2.1.4.29', ''),
        ('10.2.1.5.29', ''),
        ('10.2.1.6.29', ''),
        ('10.2.1.7.29', ''),
        ('10.2.1.29', ''),
        ('10.2.2.29', ''),
        ('10.3.1.29', ''),
        ('10.6.3.39', ''),
        ('5.3.4.34', ''),
        ('A1.2.1.34', ''),
    )),
    ('Prowler ThreatScore Compliance Framework for AWS', '1.0', (
        ('3.1.4', ''),
    )),
    ('Reserve Bank of India (RBI) Cyber Security Framework', '', (
        ('annex_i_7_4', 'Annex I (7.4)'),
    )),
    ("SecNumCloud Referentiel d'Exigences v3.2", '3.2', (
        ('12.6', 'Journalisation des evenements'),
        ('12.14', "Surveillance des flux sortants de l'infrastructure"),
        ('13.1', "Cartographie du systeme d'information"),
        ('13.3', 'Surveillance des reseaux'),
    )),
    ('System and Organization Controls 2 (SOC2)', '', (
        ('cc_7_2', ''),
        ('cc_7_3', ''),
    )),
)


def cis_numbering():
    """{CIS benchmark version: requirement id}, e.g. {"v3.0.0": "3.7", ...}."""
    return {name.rsplit(" ", 1)[1]: requirements[0][0]
            for name, _version, requirements in FRAMEWORKS
            if name.startswith("CIS Amazon Web Services Foundations Benchmark")}
