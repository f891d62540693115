// Human labels and one-line help for every option, in the seed's words where the seed names it (Change Options
// Roles, Allow duplicate emails, Max Total Emails, Saving message body as HTML, Purging cache, Profile URL…),
// and the setup step each belongs to: roles → activity types → field mappings → email limits and behaviour.
export const STEPS = [
  { id: "step-roles", title: "1. Roles", intro: "Who can access and change these options." },
  { id: "step-types", title: "2. Activity types", intro: "What types of records are created. Create a dedicated Email activity type; avoid system types (DUES, ORDER, SALES…)." },
  { id: "step-mapping", title: "3. Field mappings", intro: "What data is saved where." },
  { id: "step-limits", title: "4. Email limits and behaviour", intro: "Which emails are saved, and how." },
];

const L = (step, label, help) => ({ step, label, help });
export const OPTION_LABELS = {
  change_options_roles: L("step-roles", "Change Options Roles", "Entra ID app roles that may change these options."),
  read_roles: L("step-roles", "View Options Roles", "App roles that may see the options, status and the decision log."),
  interaction_roles: L("step-roles", "Interaction Roles", "App roles a mailbox's owner needs for its mail to become Interactions (empty: any)."),
  activity_roles: L("step-roles", "Default Activities Roles", "App roles a mailbox's owner needs for its mail to become Activities (empty: any)."),
  add_new_contact_roles: L("step-roles", "Add New Contact Roles", "App roles a mailbox's owner needs for new contacts to be created from its mail (empty: any)."),
  default_record_type: L("step-types", "Default record type", "Activity or Interaction, for mailboxes that do not choose their own."),
  default_activity_type: L("step-types", "Default activity type", "The activity type emails are saved as, e.g. EMAIL."),
  internal_domains: L("step-limits", "Internal domains", "Your organisation's domains: mail only among them is not saved."),
  blocked_domains: L("step-limits", "Blocked domains", "Mail from or to these domains is never saved."),
  blocked_addresses: L("step-limits", "Blocked addresses", "Mail from or to these addresses is never saved."),
  automated: L("step-limits", "Automated mail", "Machine-sent mail that is not saved."),
  "automated.skip_auto_replies": L("step-limits", "Skip automatic replies", "Out-of-office and other automatic replies."),
  "automated.skip_bounces": L("step-limits", "Skip bounces", "Non-delivery and delay reports."),
  "automated.skip_bulk": L("step-limits", "Skip bulk mail", "Newsletters, mailing lists and marketing."),
  "automated.skip_no_reply_senders": L("step-limits", "Skip no-reply senders", "Mail from no-reply addresses."),
  "automated.skip_other_automated": L("step-limits", "Skip other machine mail", "Read receipts, system notifications, feedback reports."),
  folder_scope: L("step-limits", "Folders captured", "Which mail folders are saved (Drafts, Deleted Items and Junk Email never are)."),
  capture_folder: L("step-limits", "Capture folder", "A mail folder, e.g. CRM or Inbox/CRM: what is put there is saved even when the rules above would skip it (blocked senders and the never-capture category still win); empty for none."),
  capture_whole_mailbox: L("step-limits", "Whole mailbox", "Watch every folder, so mail filed into folders by Outlook rules is saved; Deleted Items, Junk Email, Drafts and Outbox never are."),
  never_capture_folders: L("step-limits", "Never-capture folders", "Folders (names or paths such as Inbox/Personal) whole-mailbox capture never saves mail from."),
  look_back_days: L("step-limits", "Look-back days", "Older emails are not saved; also the default import window for a new mailbox."),
  max_total_emails: L("step-limits", "Max Total Emails", "Per mailbox per day; 0 means no cap."),
  allow_duplicate_emails: L("step-limits", "Allow duplicate emails", "Save an email again when another watched mailbox has the same one."),
  save_body_as_html: L("step-limits", "Saving message body as HTML", "Keep the body's formatting in Activity notes (Interactions are always HTML)."),
  save_as_eml: L("step-limits", "Save the email as .eml", "Attach the whole email, with its attachments, to the record."),
  attachments: L("step-limits", "Attachments", "Which attachments are saved with the record."),
  max_attachment_bytes: L("step-limits", "Largest attachment (bytes)", "Bigger attachments are left out."),
  create_contact_if_not_found: L("step-limits", "Add new contact if not found", "Create a CRM contact for an unknown sender or recipient."),
  link_organisation_by_domain: L("step-limits", "Link organisation by domain", "Also save to the organisation whose email domain matches."),
  link_replies_to_thread: L("step-limits", "Follow the conversation", "Replies are saved for the contacts the first email was saved for."),
  capture_bcc_on_sent: L("step-limits", "Include Bcc of sent mail", "Bcc recipients of mail the mailbox sent are matched too."),
  retention_days: L("step-limits", "Decision log retention (days)", "How long the log of what happened to each email is kept."),
  contact_cache_ttl_minutes: L("step-limits", "Purging cache: contact look-ups kept (minutes)", "How long a CRM look-up is reused; Purge contact cache under Status forgets them (every worker within 15 s)."),
  skip_private_mail: L("step-limits", "Skip private mail", "Mail marked Personal, Private or Confidential in Outlook is not saved."),
  never_capture_category: L("step-limits", "Never-capture category", "An Outlook category, e.g. Not for CRM, that keeps a message out; empty for none."),
  auto_link_excluded_domains: L("step-limits", "Never link or create from these domains", "Free-mail and similar domains: never an organisation, never a new contact (mail from existing contacts is still saved)."),
  backstop_interval_minutes: L("step-limits", "Sync interval (minutes)", "How often missed mail is looked for, 5 to 1440 in steps of 5."),
  tag_captured_category: L("step-limits", "Tag captured mail in Outlook", "A category, e.g. In CRM, added to each saved email (needs Mail.ReadWrite); empty for off."),
  only_new_text: L("step-limits", "Only the new text", "Save only the part of a reply that is new, not the quoted thread (full body when there is none)."),
  profile_url_template: L("step-limits", "Profile URL", "Opens a contact's iMIS profile from the log; must contain {contact_id}."),
};

// Folders by display name (Graph's well-known folder names are the values).
export const CHOICE_LABELS = {
  inbox: "Inbox", sentitems: "Sent Items", drafts: "Drafts", deleteditems: "Deleted Items", junkemail: "Junk Email",
  archive: "Archive", outbox: "Outbox", conversationhistory: "Conversation History", other: "Other folders",
  capture: "Capture folder", mailbox: "Whole mailbox", nevercapture: "Never-capture folder", none: "None", all: "All", non_inline: "All but inline images",
  activity: "Activity", interaction: "Interaction",
};

export const choiceLabel = (value) => CHOICE_LABELS[value] || value;

// Folder values the schema knows that no one can pick for folder_scope (the server refuses them): the special
// ones have their own options (capture_folder, capture_whole_mailbox, never_capture_folders).
export const UNCHOSEN = new Set(["drafts", "deleteditems", "junkemail", "outbox", "conversationhistory", "capture",
  "mailbox", "nevercapture"]);
