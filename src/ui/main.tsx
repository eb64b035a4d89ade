import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ParticipantApp } from './workshop/ParticipantApp';
import { ProblemBanner } from './components/ProblemBanner';
import { workshopFromUrl } from '../client/workshop';
import { problemOf } from '../client/bridge';
import { installPrivacyGuard } from './privacy-guard';
import { registerServiceWorker } from './sw-register';
import './styles.css';

installPrivacyGuard({
  onBlocked: (url, how) => console.warn(`Bias Workbench kept this page on its own origin: a ${how} to ${url} was stopped.`),
});

/** `?workshop=…` opens the participant's page; anything else, the workbench. */
function Root() {
  try {
    const config = workshopFromUrl(window.location.search);
    if (config) return <ParticipantApp config={config} />;
  } catch (e) {
    return (
      <div className="app">
        <header className="app-header">
          <h1>Bias Workbench workshop</h1>
        </header>
        <main>
          <ProblemBanner problem={problemOf(e)} />
          <p>
            <a href={window.location.pathname}>Open the workbench instead</a>
          </p>
        </main>
      </div>
    );
  }
  return <App />;
}

createRoot(document.getElementById('root')!).render(<Root />);
registerServiceWorker();
