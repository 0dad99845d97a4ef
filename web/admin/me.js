// Vigie admin: my account (#/me) — name, password, sign out of all my sessions (the panel is
// shared with the console: web/shared/my-account.js). Registered by admin.js (SECTIONS).
import { myAccount } from "../shared/my-account.js";

export const meSection = {
  key: "me",
  nav: (lang) => (lang === "fr" ? "Mon compte" : "My account"),
  visible: () => true,
  match: (parts) => parts[0] === "me",
  async render(ctx) {
    const { api, lang, show, me } = ctx;
    show(lang === "fr" ? "Mon compte" : "My account", myAccount({
      api, lang, me,
      onRenamed: (r) => ctx.setMe(r),
      onSignedOut: () => ctx.signedOut(),
    }));
  },
};
